/**
 * The `workerd` and `worker` export conditions (Cloudflare Workers: wrangler, miniflare): the
 * host refuses to compile WebAssembly from bytes, and its bundler turns a static `.wasm` import
 * into a compiled `WebAssembly.Module`. Only the SIMD build with a plain memory is imported
 * (Workers have SIMD and no threads), so only it is uploaded and compiled at start-up.
 *
 * @module
 */

// @deno-types="./wasm_module.d.ts"
import wasm from "./snmf.wasm";
import { setWasmLoader } from "../runtime/core.ts";

setWasmLoader({ load: () => Promise.resolve(wasm), loadSync: () => wasm });

export * from "../api.ts";
