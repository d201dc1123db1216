/**
 * The zero-configuration loader: the four builds embedded as base64 in the JavaScript (about
 * 12 kB each), compiled from bytes. Works wherever the host compiles WebAssembly from bytes
 * (Node, Deno, Bun, browsers); edge hosts refuse to (see workerd.ts, edge_light.ts).
 *
 * @module
 */

import { type WasmBuild, wasmFileName, type WasmLoader } from "../runtime/core.ts";
import { decodeBase64, WASM_BASE64 } from "../generated/wasm_bytes.ts";

function bytes(build: WasmBuild): Uint8Array<ArrayBuffer> {
  const text = WASM_BASE64[wasmFileName(build)];
  if (text === undefined) throw new Error(`Cannot load the WebAssembly core: ${wasmFileName(build)} is not embedded`);
  return decodeBase64(text);
}

/** Compiles the embedded bytes of a build. */
export const embeddedLoader: WasmLoader = {
  load: (build) => WebAssembly.compile(bytes(build)),
  loadSync: (build) => new WebAssembly.Module(bytes(build)),
};
