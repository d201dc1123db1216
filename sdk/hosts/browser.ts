/**
 * The `browser` export condition: fetches `snmf….wasm` next to the bundle and compiles it while
 * it streams in (`WebAssembly.compileStreaming`; the module, not an instance, because worker
 * threads instantiate it again on the shared memory). The URLs are written out
 * (`new URL("./snmf.wasm", import.meta.url)`) so that bundlers that understand the pattern
 * (webpack 5, Vite, Parcel) emit the files. No synchronous load: `fit()` and `transform()` await
 * `init()`; call it yourself before `Model.fromJSON()`.
 *
 * @module
 */

import { setWasmLoader, wasmFileName } from "../runtime/core.ts";
import { fetchModule } from "./fetch.ts";

const FILES: Readonly<Record<string, () => URL>> = {
  "snmf.wasm": () => new URL("./snmf.wasm", import.meta.url),
  "snmf.shared.wasm": () => new URL("./snmf.shared.wasm", import.meta.url),
  "snmf.scalar.wasm": () => new URL("./snmf.scalar.wasm", import.meta.url),
  "snmf.scalar.shared.wasm": () => new URL("./snmf.scalar.shared.wasm", import.meta.url),
};

setWasmLoader({
  load: (build) => fetchModule(FILES[wasmFileName(build)]!()),
});

export * from "../api.ts";
