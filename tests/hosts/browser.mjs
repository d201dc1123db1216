// Headless Chromium (Debian's chromium, driven by playwright-core): an esbuild bundle of a small
// page importing the package (the "browser" condition: the .wasm fetched next to the bundle),
// served from localhost twice: with cross-origin isolation headers (shared memory, threads on
// Web Workers) and without (one thread). Both give the source tree's factors.

import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { assertReference, context, npmInstall, project } from "./setup.mjs";
import { CHROMIUM, CHROMIUM_FLAGS as FLAGS } from "../chromium.mjs";

const PAGE = `import * as sdk from "stratified-nmf";
import { probe } from "./probe.js";

globalThis.result = probe(sdk)
  .then((result) => ({ ...result, crossOriginIsolated: self.crossOriginIsolated }))
  .catch((error) => ({ error: String(error?.stack ?? error) }));
`;

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

describe("Chromium", () => {
  let server;
  let browser;
  let origin;
  let profile;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install chromium (.ci/run does)`);
    const dir = project("browser", { "page.js": PAGE });
    npmInstall(dir);
    const site = join(dir, "site");
    mkdirSync(site);
    await esbuild.build({
      entryPoints: [join(dir, "page.js")],
      bundle: true,
      format: "esm",
      platform: "browser",
      outfile: join(site, "app.js"),
      logLevel: "warning",
    });
    // The bundler setting esbuild needs: the package's .wasm files next to the bundle.
    const dist = join(dir, "node_modules/stratified-nmf/dist");
    for (const file of readdirSync(dist).filter((f) => f.endsWith(".wasm"))) {
      copyFileSync(join(dist, file), join(site, file));
    }
    const html = `<!doctype html><meta charset="utf-8"><title>snmf</title><script type="module" src="app.js"></script>`;
    // /isolated/… is served with COOP/COEP (crossOriginIsolated), /plain/… without.
    server = createServer((request, response) => {
      const [, mode, file = ""] = request.url.split("/");
      const headers = mode === "isolated"
        ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
        : {};
      const path = join(site, file);
      if (file === "" || file === "index.html") {
        response.writeHead(200, { ...headers, "content-type": TYPES[".html"] }).end(html);
      } else if (/^[\w.-]+$/.test(file) && existsSync(path)) {
        response.writeHead(200, { ...headers, "content-type": TYPES[extname(file)] }).end(readFileSync(path));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
    profile = mkdtempSync(join(context.work, "chromium-profile-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function load(mode) {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/${mode}/`);
      const result = await page.evaluate(() => globalThis.result);
      assert.equal(result.error, undefined, result.error);
      return result;
    } finally {
      await page.close();
    }
  }

  it("cross-origin isolated: shared memory, threads on Web Workers, the source tree's factors", async () => {
    const result = await load("isolated");
    assert.equal(result.crossOriginIsolated, true);
    assert.deepEqual(result.build, { simd: true, shared: true });
    assert.ok(result.threads > 1, `threads ${result.threads}`);
    assertReference(result, "chromium, isolated");
  });

  it("not isolated: plain memory, one thread, the same factors", async () => {
    const result = await load("plain");
    assert.equal(result.crossOriginIsolated, false);
    assert.deepEqual(result.build, { simd: true, shared: false });
    assert.equal(result.threads, 1);
    assertReference(result, "chromium, not isolated");
  });
});
