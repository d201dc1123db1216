/**
 * The `deno` export condition (`npm:stratified-nmf`): reads `snmf….wasm` next to the bundle with
 * `Deno.readFileSync` (fetches it when the bundle was loaded from a web server); threads on
 * `node:worker_threads`, which, unlike Deno's Web Workers, do not keep the process alive.
 *
 * @module
 */

import { setWasmLoader, type WasmBuild, wasmFileName } from "../runtime/core.ts";
import { fetchModule } from "./fetch.ts";
import { registerNodeApis } from "./node_apis.ts";

const url = (build: WasmBuild) => new URL(wasmFileName(build), import.meta.url);

registerNodeApis();
setWasmLoader({
  load: (build) => {
    const file = url(build);
    return file.protocol === "file:" ? WebAssembly.compile(Deno.readFileSync(file)) : fetchModule(file);
  },
  loadSync: (build) => {
    const file = url(build);
    if (file.protocol !== "file:") {
      throw new Error(`Cannot load the WebAssembly core synchronously from ${file.href}: await init() first`);
    }
    return new WebAssembly.Module(Deno.readFileSync(file));
  },
});

export * from "../api.ts";
