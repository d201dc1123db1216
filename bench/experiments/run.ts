/**
 * `npm run experiments`: runs the paper's four experiments with the published settings and
 * writes docs/experiments.md (the published results next to the measured ones) and the pictures
 * under docs/figures/.
 *
 *   deno run -A bench/experiments/run.ts [NAME...] [--seeds N] [--cal-housing PATH]
 *                                         [--newsgroups DIR] [--out DIR]
 *
 * NAME is synthetic, california, mnist or text (default: all four). `--seeds N` runs seeds
 * 0…N−1 (default 5). `--cal-housing PATH`: StatLib's cal_housing.data (default
 * ../shared/data/cal_housing.data). `--newsgroups DIR`: also run the text experiment on a 20
 * newsgroups checkout (DIR/GROUP/POST, as 20news-bydate-train/). `--out DIR` writes
 * DIR/experiments.md and DIR/figures/ (default docs/).
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../../cli/atomic_write.ts";
import { runCalifornia } from "./california.ts";
import { environment, type ExperimentResult } from "./common.ts";
import { experimentsMarkdown } from "./markdown.ts";
import { CAL_HOUSING } from "./data.ts";
import { runMnist } from "./mnist.ts";
import { runSynthetic } from "./synthetic.ts";
import { newsgroupsCorpus, runText, sotuCorpus, spamAssassinCorpus } from "./text.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "unknown";
  }
}

const EXPERIMENTS = ["synthetic", "california", "mnist", "text"] as const;
type Name = (typeof EXPERIMENTS)[number];

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      seeds: { type: "string", default: "5" },
      "cal-housing": { type: "string", default: CAL_HOUSING },
      newsgroups: { type: "string" },
      out: { type: "string", default: join(ROOT, "docs") },
    },
    allowPositionals: true,
  });
  const names = (positionals.length ? positionals : EXPERIMENTS) as Name[];
  const unknown = names.filter((n) => !EXPERIMENTS.includes(n));
  if (unknown.length) {
    throw new Error(`unknown experiment ${unknown.join(", ")} (experiments: ${EXPERIMENTS.join(", ")})`);
  }
  const count = Number(values.seeds);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--seeds must be a positive integer, got ${values.seeds}`);
  const seeds = Array.from({ length: count }, (_, i) => i);
  const run: Record<Name, () => Promise<ExperimentResult>> = {
    synthetic: () => runSynthetic({ seeds }),
    california: () => runCalifornia({ seeds, path: values["cal-housing"] }),
    mnist: () => runMnist({ seeds }),
    text: () =>
      runText({
        seeds,
        corpora: [
          spamAssassinCorpus(),
          sotuCorpus("party"),
          sotuCorpus("era"),
          ...(values.newsgroups ? [newsgroupsCorpus(values.newsgroups)] : []),
        ],
      }),
  };

  const started = performance.now();
  const env = environment();
  const results: ExperimentResult[] = [];
  for (const name of names) {
    process.stderr.write(`experiment ${name}…\n`);
    const result = await run[name]();
    process.stderr.write(`experiment ${name}: ${result.seconds.toFixed(1)} s\n`);
    results.push(result);
  }
  const out = values.out!;
  mkdirSync(join(out, "figures"), { recursive: true });
  for (const figure of results.flatMap((r) => r.figures)) {
    writeFileAtomic(join(out, "figures", figure.file), figure.content);
  }
  const document = experimentsMarkdown(results, [
    ["date", new Date().toISOString().slice(0, 10)],
    ["runtime", env.runtime],
    ["machine", `${env.cpu}, ${env.cores} logical cores (fits use all of them)`],
    ["commit", gitCommit()],
    ["total time", `${((performance.now() - started) / 1000).toFixed(0)} s`],
  ]);
  writeFileAtomic(join(out, "experiments.md"), document);
  process.stderr.write(
    `wrote ${join(out, "experiments.md")} and ${results.flatMap((r) => r.figures).length} figures\n`,
  );
}

await main();
