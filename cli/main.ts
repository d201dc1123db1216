/**
 * The `snmf` command line. Runs under Deno (`deno run -A cli/main.ts`), Bun (`bun cli/main.ts`)
 * and, bundled as dist/snmf.js, Node.
 *
 * @module
 */

import process from "node:process";
import { demo } from "./demo.ts";

const USAGE = `snmf — Stratified-NMF on SIMD WebAssembly

Usage:
  snmf demo [--iters N] [--seed S] [--quiet]   the paper's synthetic experiment on built-in data

Run "snmf COMMAND --help" for a command's options.`;

const commands: Record<string, (args: string[]) => Promise<number>> = { demo };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = commands[command];
  if (!run) {
    console.error(`snmf: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return await run(rest);
}

process.exitCode = await main(process.argv.slice(2));
