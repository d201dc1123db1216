// Shared by the host tests: the context run.mjs prepared (tarball, reference results), fresh
// temporary projects with the tarball installed, and the comparison with the reference.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const path = process.env.SNMF_HOSTS_CONTEXT;
if (!path) throw new Error("Run the host tests with npm run test:hosts (tests/hosts/run.mjs)");

/** { root, work, tarball, csvDir, files, probe, cli } from run.mjs. */
export const context = JSON.parse(readFileSync(path, "utf8"));

/** A tool from the repository's node_modules/.bin. */
export const tool = (name) => join(context.root, "node_modules/.bin", name);

/** Runs a command; returns stdout (stderr is shown on failure, with the command). */
export function run(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  } catch (error) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
  }
}

/**
 * A fresh temporary project (package.json with "type": "module") with files written into it.
 * @param files name → text
 */
export function project(name, files = {}) {
  const dir = mkdtempSync(join(context.work, `${name}-`));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `snmf-${name}-test`, private: true, type: "module" }),
  );
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, "probe.js"), readFileSync(join(context.root, "tests/hosts/probe.js")));
  return dir;
}

/** `npm install` of the tarball into a project, as a user would. */
export function npmInstall(dir) {
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", context.tarball], { cwd: dir });
}

/** Asserts a probe result has the source tree's factors, losses and effects() records. */
export function assertReference(result, where) {
  assert.equal(result.factors, context.probe.factors, `${where}: factor bits differ from the source tree's`);
  assert.equal(result.effects, context.probe.effects, `${where}: effects() records differ from the source tree's`);
  assert.deepEqual(result.lossHistory, context.probe.lossHistory, `${where}: loss history differs`);
  assert.equal(result.normalizedLoss, context.probe.normalizedLoss);
}

/** The program most hosts run: the probe, printed as JSON. */
export const PROBE_MAIN = (specifier) =>
  `import * as sdk from "${specifier}";
import { probe } from "./probe.js";
console.log(JSON.stringify(await probe(sdk)));
`;

/**
 * The start of a program for platforms that answer requests (edge functions, Workers): the
 * package's imports and `respond()`, the probe's Response, with `compileFromBytes` saying whether
 * the platform let it compile WebAssembly from bytes ("allowed", or the error it threw).
 */
export const PROBE_RESPONDER = `import * as sdk from "stratified-nmf";
import { probe } from "./probe.js";

async function respond() {
  let compileFromBytes = "allowed";
  try {
    await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  } catch (error) {
    compileFromBytes = String(error);
  }
  return Response.json({ ...(await probe(sdk)), compileFromBytes });
}
`;

/**
 * Asserts the Response of a PROBE_RESPONDER program: status 200, the source tree's factors and
 * losses, the SIMD build on unshared memory, and that `platform` refused to compile WebAssembly
 * from bytes. Returns the probe result.
 */
export async function assertProbeResponse(response, where, platform) {
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const result = JSON.parse(text);
  assert.notEqual(result.compileFromBytes, "allowed", `${platform} compiled WebAssembly from bytes`);
  assertReference(result, where);
  assert.deepEqual(result.build, { simd: true, shared: false });
  return result;
}
