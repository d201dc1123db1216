// Node 20: the package's ESM import (the "node" condition: the .wasm read next to the bundle,
// threads on worker_threads) and the snmf bin through npx.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { assertReference, context, npmInstall, PROBE_MAIN, project, run } from "./setup.mjs";

describe("Node", () => {
  it(`imports the package (${process.version}) and fits the source tree's factors on threads`, () => {
    const dir = project("node", {
      "main.mjs": `console.error(import.meta.resolve("stratified-nmf"));\n` + PROBE_MAIN("stratified-nmf"),
    });
    npmInstall(dir);
    const out = run(process.execPath, ["main.mjs"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const result = JSON.parse(out);
    assertReference(result, "node");
    assert.deepEqual(result.build, { simd: true, shared: true });
    assert.ok(result.threads >= 1);
  });

  it("resolves the node condition", () => {
    const dir = project("node-resolve", { "main.mjs": `console.log(import.meta.resolve("stratified-nmf"));` });
    npmInstall(dir);
    assert.match(
      run(process.execPath, ["main.mjs"], { cwd: dir }),
      /stratified-nmf\/dist\/stratified-nmf\.node\.js\n$/,
    );
  });

  it("stratified-nmf/embedded (the bytes in the JavaScript) and stratified-nmf/snmf.wasm (for init)", () => {
    const dir = project("node-embedded", {
      "main.mjs": PROBE_MAIN("stratified-nmf/embedded"),
      "init.mjs": `import { readFileSync } from "node:fs";
import * as sdk from "stratified-nmf";
import { probe } from "./probe.js";
const core = await sdk.init({ wasm: readFileSync(new URL(import.meta.resolve("stratified-nmf/snmf.scalar.wasm"))) });
console.log(JSON.stringify({ ...(await probe(sdk)), shared: core.shared }));
`,
    });
    npmInstall(dir);
    const embedded = JSON.parse(run(process.execPath, ["main.mjs"], { cwd: dir }));
    assertReference(embedded, "stratified-nmf/embedded");
    assert.deepEqual(embedded.build, { simd: true, shared: false }, "no worker_threads in the host-neutral entry");
    const scalar = JSON.parse(run(process.execPath, ["init.mjs"], { cwd: dir }));
    assertReference(scalar, "init({ wasm: snmf.scalar.wasm })");
    assert.equal(scalar.build, null);
  });

  it("runs `npx snmf fit` with the source tree's result", () => {
    const dir = project("npx");
    npmInstall(dir);
    const out = join(dir, "model.json");
    const summary = JSON.parse(
      run("npx", ["--no-install", "snmf", "fit", context.csvDir, ...context.cli.args, "--out", out, "--json", "-q"], {
        cwd: dir,
      }),
    );
    const model = JSON.parse(readFileSync(out, "utf8"));
    assert.deepEqual(model.V, context.cli.V);
    assert.deepEqual(model.W, context.cli.W);
    assert.deepEqual(model.H, context.cli.H);
    assert.equal(summary.normalizedLoss, context.cli.normalizedLoss);
    assert.match(run("npx", ["--no-install", "snmf", "--help"], { cwd: dir }), /snmf fit/);
  });

  it("snmf report without vega says what to install; with the tested versions it writes the page", () => {
    const dir = project("npx-report");
    npmInstall(dir);
    const out = join(dir, "model.json");
    run("npx", ["--no-install", "snmf", "fit", context.csvDir, ...context.cli.args, "--out", out, "-q"], { cwd: dir });
    const page = join(dir, "report.html");
    const missing = spawnSync("npx", ["--no-install", "snmf", "report", out, "--out", page], {
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(missing.status, 1, missing.stderr);
    const manifest = JSON.parse(readFileSync(join(context.root, "package.json"), "utf8"));
    const specs = ["vega", "vega-lite"].map((name) => `${name}@${manifest.devDependencies[name]}`);
    assert.match(missing.stderr, /^snmf report: cannot draw the report's charts: the package vega is not installed/);
    assert.ok(missing.stderr.includes(`npm install ${specs.join(" ")}\n`), missing.stderr);
    // The install the message names: no engine warning on this Node.
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...specs], {
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(install.status, 0, install.stderr);
    assert.doesNotMatch(install.stdout + install.stderr, /EBADENGINE|ERESOLVE/);
    run("npx", ["--no-install", "snmf", "report", out, "--out", page, "-q"], { cwd: dir });
    const html = readFileSync(page, "utf8");
    assert.match(html, /^<!DOCTYPE html>/);
    assert.ok((html.match(/<svg/g) ?? []).length >= 4, "the charts are drawn");
  });
});
