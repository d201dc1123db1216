/**
 * `npm run experiments`: runs the paper's four experiments with the published settings and
 * writes docs/experiments.md (the published results next to the measured ones) and the pictures
 * under docs/figures/.
 *
 *   deno run -A bench/experiments/run.ts [NAME...] [--seeds N] [--cal-housing PATH]
 *                                         [--newsgroups DIR] [--out DIR]
 *                                         [--no-solvers] [--threads N] [--solver-reps N]
 *
 * NAME is synthetic, california, mnist or text (default: all four). Each experiment runs with the
 * paper's solver and start, then (unless `--no-solvers`) its "Solvers and starts" comparison
 * (bench/experiments/solvers.ts): `--threads N` threads (default: the machine's cores) and
 * `--solver-reps N` timed runs per solver and start (default 3). `--seeds N` runs seeds
 * 0…N−1 (default 5). `--cal-housing PATH`: StatLib's cal_housing.data (default
 * ../shared/data/cal_housing.data). `--newsgroups DIR`: also run the text experiment on a 20
 * newsgroups checkout (DIR/GROUP/POST, as 20news-bydate-train/). `--out DIR` writes
 * DIR/experiments.md and DIR/figures/ (default docs/).
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import { runCalifornia } from "./california.ts";
import { environment, type ExperimentResult } from "./common.ts";
import { experimentsMarkdown } from "./markdown.ts";
import { CAL_HOUSING, californiaStrata } from "./data.ts";
import { runMnist } from "./mnist.ts";
import { runSynthetic } from "./synthetic.ts";
import { newsgroupsCorpus, runText, sotuCorpus, spamAssassinCorpus } from "./text.ts";
import { cores } from "../../sdk/runtime/platform.ts";
import { textCorpus } from "../corpus.ts";
import {
  californiaSolvers,
  mnistSolvers,
  type SolverSection,
  type SolverSectionOptions,
  solversSummary,
  syntheticSolvers,
  textSolvers,
} from "./solvers.ts";

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
      "no-solvers": { type: "boolean", default: false },
      threads: { type: "string" },
      "solver-reps": { type: "string", default: "3" },
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
  const threads = values.threads ? Number(values.threads) : await cores();
  const reps = Number(values["solver-reps"]);
  for (const [flag, value] of [["--threads", threads], ["--solver-reps", reps]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got ${value}`);
  }
  const solverOptions: SolverSectionOptions = {
    reps,
    threads,
    log: (line = "") => process.stderr.write(`  ${line}\n`),
  };
  const solvers: Record<Name, () => Promise<SolverSection>> = {
    synthetic: () => syntheticSolvers(solverOptions),
    california: () => californiaSolvers(californiaStrata(values["cal-housing"]), solverOptions),
    // The MNIST draw of seed 1 (the targets are set for it), as bench/solvers.ts uses.
    mnist: () => mnistSolvers(1, solverOptions),
    text: async () => {
      // The experiment's SpamAssassin TF-IDF: the same stripped posts, read by snmf text's pipeline in process.
      const dir = mkdtempSync(join(tmpdir(), "snmf-solvers-"));
      try {
        const corpus = textCorpus(spamAssassinCorpus().prepare(dir)[0]);
        return await textSolvers(corpus, "SpamAssassin emails by folder", solverOptions);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
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
  const loadStart = loadavg();
  const env = environment();
  const results: ExperimentResult[] = [];
  const sections: { title: string; solvers: SolverSection }[] = [];
  for (const name of names) {
    process.stderr.write(`experiment ${name}…\n`);
    const result = await run[name]();
    process.stderr.write(`experiment ${name}: ${result.seconds.toFixed(1)} s\n`);
    if (!values["no-solvers"]) {
      process.stderr.write(`experiment ${name}: solvers and starts…\n`);
      const section = await solvers[name]();
      result.solvers = section;
      sections.push({ title: result.title, solvers: section });
      process.stderr.write(`experiment ${name}: solvers and starts ${section.seconds.toFixed(1)} s\n`);
    }
    results.push(result);
  }
  const figures = results.flatMap((r) => [...r.figures, ...(r.solvers?.figures ?? [])]);
  const out = values.out!;
  mkdirSync(join(out, "figures"), { recursive: true });
  for (const figure of figures) {
    writeFileAtomic(join(out, "figures", figure.file), figure.content);
  }
  const loadEnd = loadavg();
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(", ");
  const document = experimentsMarkdown(
    results,
    [
      ["date", new Date().toISOString().slice(0, 10)],
      ["runtime", env.runtime],
      ["machine", `${env.cpu}, ${env.cores} logical cores (the paper's fits use all of them)`],
      ...(sections.length
        ? [[
          "solver comparisons",
          `${threads} thread(s) (--threads), ${reps} timed run(s) per solver and start (--solver-reps)`,
        ] as [string, string]]
        : []),
      ["load average (1, 5, 15 min) at the start and the end", `${load(loadStart)} → ${load(loadEnd)}`],
      ["commit", gitCommit()],
      ["total time", `${((performance.now() - started) / 1000).toFixed(0)} s`],
    ],
    sections.length ? [solversSummary(sections)] : [],
  );
  writeFileAtomic(join(out, "experiments.md"), document);
  process.stderr.write(
    `wrote ${join(out, "experiments.md")} and ${figures.length} figures\n`,
  );
}

await main();
