// The runtime-neutral SDK and the entries for browsers and edge hosts reach no host API: each
// bundles for the browser platform with esbuild (which fails on a node: import it cannot resolve)
// with nothing external but the .wasm files, its import graph stays inside sdk/ and names no
// node: module, and its code uses no Deno, Bun or process global. Host APIs come only from the
// per-host loaders (sdk/hosts/node.ts, deno.ts, bun.ts and the source entry sdk/mod.ts).

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { describe, it } from "node:test";
import { missingOptionalPackage, missingPackageMessage, OPTIONAL_PACKAGES } from "../cli/optional.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

function bundle(entry: string, external: string[] = []): { meta: Metafile; code: string } {
  const dir = mkdtempSync(join(tmpdir(), "snmf-bundle-"));
  try {
    execFileSync(`${root}node_modules/.bin/esbuild`, [
      entry,
      "--bundle",
      "--format=esm",
      "--platform=browser",
      ...external.map((pattern) => `--external:${pattern}`),
      `--metafile=${dir}/meta.json`,
      `--outfile=${dir}/out.js`,
      "--log-level=error",
    ], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    return {
      meta: JSON.parse(readFileSync(`${dir}/meta.json`, "utf8")),
      code: readFileSync(`${dir}/out.js`, "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ENTRIES: [string, string[]][] = [
  ["sdk/api.ts", []],
  ["sdk/hosts/default.ts", []],
  ["sdk/hosts/browser.ts", []],
  ["sdk/hosts/workerd.ts", ["*.wasm"]],
  ["sdk/hosts/edge_light.ts", ["*.wasm?module"]],
];

describe("bundles for browsers and edge hosts", () => {
  for (const [entry, external] of ENTRIES) {
    it(`${entry}: no node: import, no module outside sdk/, no Deno, Bun or process global`, () => {
      const { meta, code } = bundle(entry, external);
      for (const [input, { imports }] of Object.entries(meta.inputs)) {
        assert.match(input, /^sdk\//, `${input} is outside sdk/`);
        assert.doesNotMatch(input, /^sdk\/hosts\/(node|deno|bun|node_apis|file_loader)\.ts$/, input);
        for (const { path, external: isExternal } of imports) {
          assert.doesNotMatch(path, /^node:/, `${input} imports ${path}`);
          if (isExternal) assert.match(path, /\.wasm(\?module)?$/, `${input}: external ${path}`);
        }
      }
      // The pool's worker source names node:worker_threads in a string (run only by Node-style
      // workers); no code outside it touches a host global (platform.ts only reads globalThis
      // properties to detect the host).
      const withoutWorkerSource = code.replace(/`const \{ parentPort \} = require\("node:worker_threads"\);/, "");
      assert.doesNotMatch(withoutWorkerSource, /(?<![.\w])(Deno|Bun|process)\s*\??\.|(?<![.\w])require\(/);
    });
  }

  it("the source entry sdk/mod.ts is where Node's APIs come in (so the test above can fail)", () => {
    assert.throws(() => bundle("sdk/mod.ts"), /node:worker_threads|node:os/);
  });
});

// ---- The package's dependencies and the command line's bundle ---------------------------------

interface Manifest {
  engines: { node: string };
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const manifest: Manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** The lowest major version of Node a `>=N` (or `>=N.x.y`) engines range allows. */
function lowestNode(range: string): number {
  const match = /^>=\s*(\d+)(\.\d+){0,2}$/.exec(range.trim());
  if (!match) throw new Error(`engines.node "${range}" is not of the form >=N`);
  return Number(match[1]);
}

/** The command line built by scripts/build.mjs, into a temp dir with no node_modules above it. */
function buildCli(): { dir: string; files: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "snmf-cli-bundle-"));
  execFileSync("node", [`${root}scripts/build.mjs`, "--cli-outdir", dir], { cwd: root, stdio: "pipe" });
  const files: Record<string, string> = {};
  for (const file of readdirSync(dir, { recursive: true }) as string[]) {
    if (file.endsWith(".js")) files[file] = readFileSync(join(dir, file), "utf8");
  }
  return { dir, files };
}

/** The bare specifiers a module imports statically at its top (`import … from "x"`, `import "x"`). */
function staticImports(code: string): string[] {
  return [...code.matchAll(/^import\s+(?:[^"';]*?\s+from\s+)?["']([^"']+)["'];?$/gm)].map((m) => m[1])
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:"));
}

describe("the package's dependencies", () => {
  const peers = Object.keys(manifest.peerDependencies ?? {});

  it("has none that an SDK install gets: the command line's libraries are optional peers", () => {
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), [], "dependencies");
    assert.ok(peers.includes("vega") && peers.includes("vega-lite"), "the report's chart libraries are peers");
    for (const name of peers) {
      assert.equal(manifest.peerDependenciesMeta?.[name]?.optional, true, `${name} is an optional peer`);
      assert.ok(Object.hasOwn(OPTIONAL_PACKAGES, name), `cli/optional.ts says what needs ${name}`);
      assert.ok(manifest.devDependencies[name], `${name} is installed for development at a tested version`);
    }
  });

  it("tests its optional peers at versions that support the Node version it states", () => {
    const stated = lowestNode(manifest.engines.node);
    assert.equal(stated, 20);
    for (const name of peers) {
      const installed = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8"));
      assert.equal(installed.version, manifest.devDependencies[name], `${name}: node_modules has the tested version`);
      const needs = installed.engines?.node;
      if (needs !== undefined) {
        assert.ok(lowestNode(needs) <= stated, `${name}@${installed.version} needs Node ${needs}`);
      }
    }
  });

  it("names a missing optional package, what cannot be done without it and how to install it", () => {
    const messages = [
      "Cannot find package 'vega' imported from /x/node_modules/stratified-nmf/dist/cli/html-A.js", // Node
      'Cannot find package "vega" from "/x/dist/cli/html-A.js"', // Bun
      "Could not find package 'vega' from referrer 'file:///x/dist/cli/html-A.js'", // Deno
      "Cannot find module 'vega/build/vega.js'",
    ];
    for (const message of messages) assert.equal(missingOptionalPackage(new Error(message)), "vega", message);
    assert.equal(missingOptionalPackage(new Error("Cannot find package 'left-pad' imported from /x")), undefined);
    assert.equal(missingOptionalPackage(new Error("ENOENT: no such file or directory")), undefined);
    assert.equal(
      missingPackageMessage("vega-lite"),
      `cannot draw the report's charts: the package vega-lite is not installed (an optional dependency of stratified-nmf, left out so that the SDK installs alone): npm install vega@${manifest.devDependencies.vega} vega-lite@${
        manifest.devDependencies["vega-lite"]
      }`,
    );
  });
});

describe("the command line's bundle", () => {
  it("loads no optional package at start: vega only in the chunk of snmf report", () => {
    const { dir, files } = buildCli();
    try {
      assert.deepEqual(staticImports(files["snmf.js"]), [], "dist/snmf.js imports no package");
      const withVega = Object.keys(files).filter((file) => staticImports(files[file]).includes("vega"));
      assert.equal(withVega.length, 1, `one chunk imports vega: ${withVega}`);
      assert.match(withVega[0], /^cli\/html-[\w-]+\.js$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs its commands without the optional packages, and says which one report and Parquet need", () => {
    const { dir } = buildCli();
    try {
      const data = join(dir, "strata");
      mkdirSync(data);
      writeFileSync(join(data, "a.csv"), "x,y\n1,2\n3,4\n2,2\n");
      writeFileSync(join(data, "b.csv"), "x,y\n5,1\n6,2\n");
      const snmf = (args: string[]) =>
        spawnSync(process.execPath.endsWith("node") ? process.execPath : "node", [join(dir, "snmf.js"), ...args], {
          cwd: dir,
          encoding: "utf8",
        });
      const fitted = snmf(["fit", data, "--rank", "1", "--out", join(dir, "model.json"), "-q"]);
      assert.equal(fitted.status, 0, fitted.stderr);
      assert.equal(snmf(["top", join(dir, "model.json")]).status, 0);
      const report = snmf(["report", join(dir, "model.json"), "--out", join(dir, "report.html")]);
      assert.equal(report.status, 1, report.stderr);
      assert.equal(report.stderr, `snmf report: ${missingPackageMessage("vega")}\n`);
      assert.equal(existsSync(join(dir, "report.html")), false);
      const parquet = snmf(["export", join(dir, "model.json"), "--format", "parquet", "--out", join(dir, "tables")]);
      assert.equal(parquet.status, 1, parquet.stderr);
      assert.equal(parquet.stderr, `snmf export: ${missingPackageMessage("hyparquet-writer")}\n`);
      assert.equal(existsSync(join(dir, "tables")), false, "nothing written");
      assert.equal(
        snmf(["export", join(dir, "model.json"), "--out", join(dir, "tables")]).status,
        0,
        "CSV needs nothing",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
