/**
 * Reads the build's `.wasm` file next to the bundle (`new URL("./snmf….wasm", import.meta.url)`)
 * with `node:fs`: Node and Bun. Synchronous, so `getCore()` works before any `init()`.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { type WasmBuild, wasmFileName, type WasmLoader } from "../runtime/core.ts";

function read(build: WasmBuild): Uint8Array {
  const url = new URL(wasmFileName(build), import.meta.url);
  try {
    return readFileSync(url);
  } catch (error) {
    throw new Error(
      `Cannot load the WebAssembly core: ${url.href} is not readable (${(error as Error).message}); ` +
        "a bundle of the package must keep the package's dist/*.wasm files next to it, or pass init({ wasm })",
    );
  }
}

/** Compiles the build's file, read from next to this module. */
export const fileLoader: WasmLoader = {
  load: (build) => WebAssembly.compile(read(build) as Uint8Array<ArrayBuffer>),
  loadSync: (build) => new WebAssembly.Module(read(build) as Uint8Array<ArrayBuffer>),
};
