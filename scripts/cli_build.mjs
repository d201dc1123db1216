// The esbuild arguments of the command line's bundle (dist/snmf.js and its chunks in dist/cli/),
// shared by scripts/build.mjs and the test that checks what the bundle loads at start.
//
// What only some commands load (snmf report's charts) goes to chunks, imported when the command
// runs. The package's optional peer dependencies (package.json peerDependencies: vega and
// vega-lite for the report, the file-format libraries) stay outside the bundle, imported only by
// the chunks that need them: an install for the SDK does not get them, and a command that needs
// one that is absent says which to install (cli/optional.ts). Everything else is bundled.

import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param {string} root the repository
 * @param {string} outdir where snmf.js and cli/ go
 * @returns {string[]} esbuild's arguments, run from `root`
 */
export function cliBuildArgs(root, outdir) {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return [
    "cli/main.ts",
    "--bundle",
    "--splitting",
    "--format=esm",
    "--platform=node",
    "--target=node20",
    `--outdir=${outdir}`,
    "--entry-names=snmf",
    "--chunk-names=cli/[name]-[hash]",
    ...Object.keys(manifest.peerDependencies ?? {}).map((name) => `--external:${name}`),
    "--banner:js=#!/usr/bin/env node",
    "--log-level=warning",
  ];
}
