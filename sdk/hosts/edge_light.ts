/**
 * The `edge-light` export condition (Vercel Edge Functions, Next.js edge runtime): the host
 * refuses to compile WebAssembly from bytes; its bundler turns an import of `….wasm?module` into
 * a compiled `WebAssembly.Module`. Only the SIMD build with a plain memory is imported (the edge
 * runtime has SIMD and no threads).
 *
 * @module
 */

// @deno-types="./wasm_module.d.ts"
import wasm from "./snmf.wasm?module";
import { setWasmLoader } from "../runtime/core.ts";

setWasmLoader({ load: () => Promise.resolve(wasm), loadSync: () => wasm });

export * from "../api.ts";
