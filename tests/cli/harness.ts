// The real `snmf` command, three ways: the source under the runtime running the tests (Deno or
// Bun), the esbuild bundle under Node (built here with scripts/build.mjs's flags, from the
// current source), and the single executable of `bun build --compile` (built here into a
// directory with no node_modules; if that fails, its tests are skipped with the reason). Tests
// spawn each one on files they write to a temp dir.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

function sourceRunner(cwd: string): Runner {
  if (isDeno) {
    const prefix = ["run", "-A", `--config=${join(ROOT, "deno.json")}`, MAIN];
    return { name: "source (deno)", command: process.execPath, prefix, cwd };
  }
  if (isBun) return { name: "source (bun)", command: process.execPath, prefix: [MAIN], cwd };
  return { name: "source", command: process.execPath, prefix: [MAIN], cwd, skip: "Node runs no TypeScript" };
}

function bundleRunner(dir: string): Runner {
  const out = join(dir, "bundle", "snmf.js");
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
  const runner = { name: "bundle (node)", command: "node", prefix: [out], cwd: join(dir, "bundle") };
  if (result.status !== 0 || !existsSync(out)) {
    return { ...runner, skip: `esbuild failed: ${(result.stderr || String(result.error)).split("\n")[0]}` };
  }
  return runner;
}

function binaryRunner(dir: string): Runner {
  const binDir = join(dir, "bin");
  mkdirSync(binDir, { recursive: true });
  const out = join(binDir, "snmf-bin");
  const result = spawnSync(bunBinary(), ["build", "--compile", MAIN, "--outfile", out], {
    cwd: ROOT,
    encoding: "utf8",
    env: childEnv(),
  });
  const runner = { name: "binary (bun build --compile)", command: out, prefix: [], cwd: binDir };
  if (result.status !== 0 || !existsSync(out)) {
    const why = (result.stderr || result.stdout || String(result.error)).trim().split("\n").pop();
    return { ...runner, skip: `bun build --compile failed here, so the binary is not tested: ${why}` };
  }
  return runner;
}

let shared: Runner[] | undefined;

/**
 * The three runners, built on first use (a few seconds: the bundle and the binary) into a temp
 * directory shared by the test files of this process (Bun runs them in one) and removed when it
 * exits. Call it from inside a test, not a hook: bun test ignores the timeout option of hooks.
 * Every runner works in a directory of its own there, so a default output file never lands in
 * the repository; the binary's directory has no node_modules.
 */
export function buildRunners(): Runner[] {
  if (shared) return shared;
  const dir = tempDir("snmf-cli-build-");
  process.on("exit", () => cleanup(dir));
  // Deno runs each test file apart and does not emit process "exit" there; it has "unload".
  (globalThis as { addEventListener?: (type: string, listener: () => void) => void }).addEventListener?.(
    "unload",
    () => cleanup(dir),
  );
  const work = join(dir, "source");
  mkdirSync(work, { recursive: true });
  shared = [sourceRunner(work), bundleRunner(dir), binaryRunner(dir)];
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
