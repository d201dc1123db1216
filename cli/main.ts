/**
 * The `snmf` command line. Runs under Deno (`deno run -A cli/main.ts`), Bun (`bun cli/main.ts`)
 * and, bundled as dist/snmf.js, Node.
 *
 * @module
 */

import process from "node:process";
import packageJson from "../package.json" with { type: "json" };
import { demo } from "./demo.ts";
import { effects } from "./effects.ts";
import { describeError, EXIT } from "./errors.ts";
import { exportModel } from "./export.ts";
import { fit } from "./fit.ts";
import { rank } from "./rank.ts";
import { text } from "./text.ts";
import { top } from "./top.ts";
import { transform } from "./transform.ts";

const USAGE = `snmf — Stratified-NMF on SIMD WebAssembly: A(i) ≈ 1 v(i)ᵀ + W(i) H for data in strata

Usage:
  snmf --version                          the version of stratified-nmf
  snmf demo [--iters N] [--seed S]        the paper's synthetic experiment on built-in data
  snmf fit INPUT [options]                fit strata from NAME.csv / NAME.mtx files, or one CSV
                                          with --strata-column; write the model (JSON)
  snmf rank INPUT --ranks 2..12           held-out error per rank (stratified and plain NMF),
                                          and the suggested rank
  snmf text INPUT [options]               TF-IDF topics of documents in strata (JSON Lines, or
                                          one directory of text files per stratum)
  snmf effects MODEL DATA [options]       intervals and tests for each v(i): bootstrap and
                                          permutations on the data the model was fit on
  snmf top MODEL [--count N]              top features of each v(i) and each topic
  snmf report MODEL --out report.html     one self-contained HTML page: loss, v(i), top features
  snmf export MODEL --out DIR             V, W(i), H and top features as CSV, Parquet or JSON tables
  snmf transform MODEL INPUT [options]    loadings W of new rows, H fixed (CSV or JSON)

Run "snmf COMMAND --help" for a command's options and examples.

Output: results on stdout, messages and the progress line (only on a terminal) on stderr.
Exit codes: 0 success, 1 failure, 2 usage or input error (one line naming the file, the line
and the problem), 130 interrupted by Ctrl-C.

Numbering: strata, columns and topics of a model are numbered from 0 in text, JSON and the SDK
alike (topic q is row q of H and column q of each W(i)); lines and columns of input files are
counted from 1, as editors count them.

Examples:
  snmf demo --iters 2000
  snmf fit data/ --rank 5 --iters 500 --out model.json && snmf top model.json
  snmf effects model.json data/ --seed 1 --json --out effects.json
  snmf text posts.jsonl --strata-field forum --min-df 2 --max-df 0.95 --out topics.json`;

/** `report` loads Vega only when it runs: the other commands start without it. */
const report = async (args: string[]) => (await import("./report.ts")).report(args);

const commands: Record<string, (args: string[]) => Promise<number>> = {
  demo,
  fit,
  effects,
  rank,
  export: exportModel,
  report,
  text,
  top,
  transform,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    if (command === undefined) console.error(USAGE);
    else console.log(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === "--version" || command === "-V") {
    console.log(`snmf ${packageJson.version}`);
    return EXIT.ok;
  }
  const run = commands[command];
  if (!run) {
    console.error(
      `snmf: unknown command "${command}" (commands: ${Object.keys(commands).join(", ")}; see snmf --help)`,
    );
    return EXIT.usage;
  }
  try {
    return await run(rest);
  } catch (error) {
    const { code, message } = describeError(error);
    console.error(`snmf ${command}: ${message}`);
    if (code === EXIT.failure && process.env.SNMF_DEBUG) console.error(error);
    return code;
  }
}

// A reader that stops early (`snmf top model.json | head`) closes the pipe: that is the end of
// the output, not a failure, so it ends the command quietly instead of as an unhandled error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
