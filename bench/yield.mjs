// What one yield to the event loop costs (sdk/runtime/checkpoint.ts yields every 50 ms of a
// fit), on any runtime, plain JavaScript:
//
//   node bench/yield.mjs   ·   deno run -A bench/yield.mjs   ·   bun bench/yield.mjs
//
// For each way the host offers (setTimeout(0), setImmediate), 5 rounds of 50 yields, each after
// 5 ms of spinning (as a fit's steps run between them): the wall time of a round minus its
// spinning, per yield, in ms. Prints one JSON object: the least and the median of the rounds.

const kinds = { "setTimeout(0)": () => new Promise((resolve) => setTimeout(resolve, 0)) };
if (typeof globalThis.setImmediate === "function") {
  kinds.setImmediate = () => new Promise((resolve) => globalThis.setImmediate(resolve));
}

/** ms per yield of one round: `count` yields, each after `spinMs` of spinning. */
async function round(yieldOnce, count = 50, spinMs = 5) {
  let spun = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const s = performance.now();
    while (performance.now() - s < spinMs);
    spun += performance.now() - s;
    await yieldOnce();
  }
  return (performance.now() - start - spun) / count;
}

const result = {};
for (const [name, yieldOnce] of Object.entries(kinds)) {
  await round(yieldOnce, 10);
  const rounds = [];
  for (let r = 0; r < 5; r++) rounds.push(await round(yieldOnce));
  rounds.sort((a, b) => a - b);
  result[name] = { leastMs: +rounds[0].toFixed(3), medianMs: +rounds[2].toFixed(3) };
}
console.log(JSON.stringify(result));
