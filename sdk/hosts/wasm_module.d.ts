// Types of the `.wasm` imports of workerd.ts and edge_light.ts: the host's bundler (wrangler,
// Next.js / Vercel) turns such an import into a compiled `WebAssembly.Module`.

declare const module: WebAssembly.Module;
export default module;
