// Runs a TypeScript benchmark of bench/ under Node (which does not run TypeScript itself): bundles
// it with esbuild into a file beside it (so paths it resolves from import.meta.url still hold),
// runs that with the given arguments, and removes it.
//
//   node scripts/node_bench.mjs bench/sklearn.ts [--reps 5 …]
//
// The SDK comes in from source, as under Deno and Bun (its Node host loads the core).

import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import * as esbuild from "esbuild";
import { basename, dirname, join, resolve } from "node:path";
import process from "node:process";

const [entry, ...args] = process.argv.slice(2);
if (!entry?.endsWith(".ts")) {
  console.error("usage: node scripts/node_bench.mjs bench/NAME.ts [arguments]");
  process.exit(2);
}
const source = resolve(entry);
const bundle = join(dirname(source), `.${basename(source, ".ts")}.node.mjs`);
// import.meta.main (Deno, Bun) is undefined on Node: true in the entry, false in what it imports.
const mainFlag = {
  name: "import-meta-main",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (file) => ({
      contents: readFileSync(file.path, "utf8").replaceAll("import.meta.main", String(file.path === source)),
      loader: "ts",
    }));
  },
};
await esbuild.build({
  entryPoints: [source],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outfile: bundle,
  // Bundled CommonJS dependencies call require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  plugins: [mainFlag],
  logLevel: "warning",
});
try {
  const ran = spawnSync(process.execPath, [bundle, ...args], { stdio: "inherit" });
  process.exitCode = ran.status ?? 1;
} finally {
  rmSync(bundle, { force: true });
}
