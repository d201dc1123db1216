// Vercel's edge runtime (the edge-runtime package): an Edge Function importing the package with
// the edge-light condition. As Next.js does, the bundler turns `import m from "./x.wasm?module"`
// into a binding the platform fills with the compiled module; the VM here, like Vercel's,
// refuses to compile WebAssembly from bytes.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as esbuild from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { assertProbeResponse, npmInstall, PROBE_RESPONDER, project } from "./setup.mjs";

const FUNCTION = `${PROBE_RESPONDER}
addEventListener("fetch", (event) => event.respondWith(respond()));
`;

/** Next.js's treatment of `?module` imports: a global binding per .wasm file. */
function wasmBindings(bindings) {
  return {
    name: "wasm-module-bindings",
    setup(build) {
      build.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({
        path: join(args.resolveDir, args.path.replace(/\?module$/, "")),
        namespace: "wasm-binding",
      }));
      build.onLoad({ filter: /.*/, namespace: "wasm-binding" }, (args) => {
        const name = `wasm_${bindings.size}`;
        bindings.set(name, args.path);
        return { contents: `export default globalThis.${name};`, loader: "js" };
      });
    },
  };
}

describe("Vercel edge runtime (edge-runtime)", () => {
  it("answers a request with the source tree's fit, with the .wasm imported as ?module", async () => {
    const dir = project("edge", { "function.js": FUNCTION });
    npmInstall(dir);
    const bindings = new Map();
    const bundle = await esbuild.build({
      entryPoints: [join(dir, "function.js")],
      bundle: true,
      write: false,
      format: "iife",
      platform: "browser",
      conditions: ["edge-light", "worker", "browser"],
      plugins: [wasmBindings(bindings)],
      logLevel: "warning",
    });
    assert.deepEqual([...bindings.values()].map((file) => file.split("/").slice(-2).join("/")), ["dist/snmf.wasm"]);

    const runtime = new EdgeRuntime({
      codeGeneration: { strings: false, wasm: false },
      extend(context) {
        for (const [name, file] of bindings) context[name] = new WebAssembly.Module(readFileSync(file));
        return context;
      },
      initialCode: bundle.outputFiles[0].text,
    });
    const response = await runtime.dispatchFetch("http://localhost/");
    await response.waitUntil();
    await assertProbeResponse(response, "edge-runtime", "the edge VM");
  });
});
