// The real `snmf` command, three ways: the source under the runtime running the tests (Deno or
// Bun), the esbuild bundle under Node (built here with scripts/build.mjs's flags, from the
// current source), and the single executable of `bun build --compile` (built here, outside the
// repository; if that fails, its tests are skipped with the reason). Tests spawn each one on
// files they write to a temp dir.

import { describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = join(ROOT, "cli", "main.ts");
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** One way of running the command. `skip` says why it cannot run here. */
export interface Runner {
  name: string;
  command: string;
  prefix: string[];
  cwd: string;
  skip?: string;
}

/** What a run printed and how it ended. */
export interface Result {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** The environment of spawned commands: no colours, nothing forced. */
export function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== "FORCE_COLOR" && key !== "SNMF_DEBUG") env[key] = value;
  }
  env.NO_COLOR = "1";
  return env;
}

/** Runs `snmf ARGS` with a runner. */
export function run(runner: Runner, args: string[], options: { input?: string } = {}): Result {
  const result = spawnSync(runner.command, [...runner.prefix, ...args], {
    cwd: runner.cwd,
    env: childEnv(),
    encoding: "utf8",
    input: options.input ?? "",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The arguments of `snmf COMMAND INPUTS… FLAGS`: each flag `--name value` (`-n value` for a
 * one-letter name) in the object's order, a bare switch for `true`. For example
 * `snmfArgs("fit", dir, { rank: 2, json: true })` is `["fit", dir, "--rank", "2", "--json"]`.
 */
export function snmfArgs(
  command: string,
  inputs: string | string[],
  flags: Record<string, string | number | true>,
): string[] {
  const dashed = Object.entries(flags).flatMap(([name, value]) => {
    const flag = name.length === 1 ? `-${name}` : `--${name}`;
    return value === true ? [flag] : [flag, String(value)];
  });
  return [command, ...[inputs].flat(), ...dashed];
}

/** A fresh temp directory, removed by `cleanup()`. */
export function tempDir(prefix = "snmf-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes files (path relative to `dir` → content), creating sub-directories. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

function bunBinary(): string {
  if (isBun) return process.execPath;
  return join(ROOT, "node_modules", "bun", "bin", "bun.exe");
}

export function sourceRunner(cwd: string): Runner {
  if (isDeno) {
    const prefix = ["run", "-A", `--config=${join(ROOT, "deno.json")}`, MAIN];
    return { name: "source (deno)", command: process.execPath, prefix, cwd };
  }
  if (isBun) return { name: "source (bun)", command: process.execPath, prefix: [MAIN], cwd };
  return { name: "source", command: process.execPath, prefix: [MAIN], cwd, skip: "Node runs no TypeScript" };
}

/** Builds the bundle into `dir`/snmf.js; returns why it failed, if it did. */
function buildBundle(dir: string): string | undefined {
  const out = join(dir, "snmf.js");
  const esbuild = join(ROOT, "node_modules", ".bin", "esbuild");
  const result = spawnSync(esbuild, [
    "cli/main.ts",
    "--bundle",
    "--format=esm",
    "--platform=node",
    "--target=node20",
    `--outfile=${out}`,
    "--banner:js=#!/usr/bin/env node",
    "--log-level=warning",
  ], { cwd: ROOT, encoding: "utf8" });
  if (result.status === 0 && existsSync(out)) return undefined;
  return `esbuild failed: ${(result.stderr || String(result.error)).split("\n")[0]}`;
}

/** Builds the single executable into `dir`/snmf-bin; returns why it failed, if it did. */
function buildBinary(dir: string): string | undefined {
  const out = join(dir, "snmf-bin");
  const result = spawnSync(bunBinary(), ["build", "--compile", MAIN, "--outfile", out], {
    cwd: ROOT,
    encoding: "utf8",
    env: childEnv(),
  });
  if (result.status === 0 && existsSync(out)) return undefined;
  const why = (result.stderr || result.stdout || String(result.error)).trim().split("\n").pop();
  return `bun build --compile failed here, so the binary is not tested: ${why}`;
}

/** Top-level entries that the command is not built from. */
const NOT_SOURCES = new Set([".git", "node_modules", "dist", "build", "tests", "bench"]);

/** Every file the command may be built from: the repository less tests, bench and outputs. */
function sourceFiles(dir = ROOT, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (prefix === "" && NOT_SOURCES.has(entry.name)) continue;
    const relative = join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(join(dir, entry.name), relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/** A hash of the sources, naming a cache entry of built artifacts. */
function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of sourceFiles()) hash.update(file).update("\0").update(readFileSync(join(ROOT, file))).update("\0");
  return hash.digest("hex").slice(0, 16);
}

/**
 * The bundle and the binary of the current sources, built once and kept in a cache outside the
 * repository (the temp dir; per checkout one entry, keyed by a hash of the sources, older ones removed), so
 * the test files of one run, Deno's (each in its own isolate) as Bun's, and the next runs share
 * one build. A failed build is not cached: its reason is returned and the next run tries again.
 */
function builtArtifacts(): { dir: string; bundleSkip?: string; binarySkip?: string } {
  // One cache per checkout: runs from other checkouts of the repository (at other commits) on
  // the same machine keep theirs, and never remove this one's entry while it is in use.
  const checkout = createHash("sha256").update(ROOT).digest("hex").slice(0, 8);
  const cache = join(tmpdir(), `snmf-cli-tests-cache-${checkout}`);
  const hash = sourceHash();
  const final = join(cache, hash);
  if (existsSync(join(final, "complete"))) return { dir: final };
  mkdirSync(cache, { recursive: true });
  const building = mkdtempSync(join(cache, `building-${hash}-`));
  const bundleSkip = buildBundle(building);
  const binarySkip = buildBinary(building);
  if (bundleSkip || binarySkip) {
    process.on("exit", () => cleanup(building));
    return { dir: building, bundleSkip, binarySkip };
  }
  writeFileSync(join(building, "complete"), "");
  try {
    renameSync(building, final);
  } catch {
    // Another run built the same sources at the same time: use its build.
    cleanup(building);
    if (!existsSync(join(final, "complete"))) throw new Error(`cannot cache the CLI build in ${final}`);
  }
  for (const entry of readdirSync(cache)) {
    const path = join(cache, entry);
    const stale = entry !== hash && (!entry.startsWith("building-") || Date.now() - statSync(path).mtimeMs > 3600_000);
    if (stale) cleanup(path);
  }
  return { dir: final };
}

let shared: Runner[] | undefined;

/**
 * The three runners: the source, the bundle and the binary (built on first use, a few seconds,
 * or taken from the cache). Call it from inside a test, not a hook: bun test ignores the timeout
 * option of hooks. Every runner works in a directory of its own in a temp dir removed when the
 * process (Bun) or the test file's isolate (Deno) ends, so a default output file never lands in
 * the repository; no node_modules is near the binary or its working directory.
 */
export function buildRunners(): Runner[] {
  if (shared) return shared;
  const { dir, bundleSkip, binarySkip } = builtArtifacts();
  const work = tempDir("snmf-cli-work-");
  process.on("exit", () => cleanup(work));
  // Deno runs each test file apart and does not emit process "exit" there; it has "unload".
  (globalThis as { addEventListener?: (type: string, listener: () => void) => void }).addEventListener?.(
    "unload",
    () => cleanup(work),
  );
  for (const name of ["source", "bundle", "binary"]) mkdirSync(join(work, name));
  const bundle: Runner = {
    name: "bundle (node)",
    command: "node",
    prefix: [join(dir, "snmf.js")],
    cwd: join(work, "bundle"),
  };
  const binary: Runner = {
    name: "binary (bun build --compile)",
    command: join(dir, "snmf-bin"),
    prefix: [],
    cwd: join(work, "binary"),
  };
  shared = [
    sourceRunner(join(work, "source")),
    bundleSkip ? { ...bundle, skip: bundleSkip } : bundle,
    binarySkip ? { ...binary, skip: binarySkip } : binary,
  ];
  return shared;
}

/** Parses the one JSON document a `--json` run printed. */
export function parseJson(result: Result): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`stdout is not JSON: ${result.stdout.slice(0, 300)}\nstderr: ${result.stderr.slice(0, 300)}`);
  }
}

/** A readable description of a run for assertion messages. */
export function show(result: Result): string {
  return `status ${result.status} (signal ${result.signal})\nstdout: ${result.stdout.slice(0, 500)}\nstderr: ${
    result.stderr.slice(0, 500)
  }`;
}

/** Asserts that a run was refused as a usage or input error: exit status 2, `message` on stderr. */
export function assertRefused(result: Result, message: RegExp): void {
  assert.equal(result.status, 2, show(result));
  assert.match(result.stderr, message);
}

/** The builds every CLI test runs through, in the order of {@link buildRunners}. */
export const RUNNER_LABELS = ["source", "bundle", "binary"];

/**
 * The runner of build `index`, built on first use inside a test (bun test applies no timeout
 * option to hooks, and the build can take more than its default 5 s on a loaded machine), and a
 * check that skips the test, with the reason, when that build is not available here.
 */
export function runnerAt(index: number) {
  const runner = (): Runner => buildRunners()[index];
  const skip = (t: { skip: (message: string) => void }) => {
    const reason = runner().skip;
    if (!reason) return false;
    t.skip(reason);
    return true;
  };
  return { runner, skip };
}

/**
 * A `describe` block per build (RUNNER_LABELS, in order), its body given the build's label, its
 * index, its runner and its skip check (see {@link runnerAt}).
 */
export function describeEachRunner(
  body: (build: { label: string; index: number } & ReturnType<typeof runnerAt>) => void,
): void {
  RUNNER_LABELS.forEach((label, index) => describe(label, () => body({ label, index, ...runnerAt(index) })));
}

/** What {@link interruptRun} saw of a run: its exit, its output, how long it took to stop after SIGINT. */
export interface Interrupted {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Its stderr when SIGINT was sent. */
  stderrAtSignal: string;
  stoppedMs: number;
}

/**
 * Runs `snmf ARGS` with a runner, waits (30 s at the most) until its stderr so far satisfies
 * `started`, then `graceMs` more, sends SIGINT (Ctrl-C) and waits for it to exit. A run still
 * going when anything throws is killed, so that no long run outlives its test.
 */
export async function interruptRun(
  runner: Runner,
  args: string[],
  started: (stderr: string) => boolean,
  graceMs: number,
): Promise<Interrupted> {
  const child = spawn(runner.command, [...runner.prefix, ...args], {
    cwd: runner.cwd,
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal }))
    );
    const waitStarted = performance.now();
    while (!started(stderr) && performance.now() - waitStarted < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, graceMs));
    const stderrAtSignal = stderr;
    const killed = performance.now();
    child.kill("SIGINT");
    const { code, signal } = await exited;
    return { code, signal, stdout, stderr, stderrAtSignal, stoppedMs: performance.now() - killed };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
