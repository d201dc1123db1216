/**
 * Compiles a `.wasm` fetched from a URL, streaming where the response allows it.
 *
 * @module
 */

/**
 * `WebAssembly.compileStreaming` of the response (compiling while the bytes arrive), or, when
 * the server does not send `application/wasm` (which streaming requires), the bytes.
 * @throws {Error} when the URL does not answer 200.
 */
export async function fetchModule(url: URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Cannot load the WebAssembly core: ${url.href} answered ${response.status}`);
  const streaming = typeof WebAssembly.compileStreaming === "function" &&
    response.headers.get("content-type")?.split(";")[0]?.trim() === "application/wasm";
  return streaming ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}
