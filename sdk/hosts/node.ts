/**
 * The `node` export condition: reads `snmf….wasm` next to the bundle with `node:fs`; threads on
 * `node:worker_threads`.
 *
 * @module
 */

import { setWasmLoader } from "../runtime/core.ts";
import { fileLoader } from "./file_loader.ts";
import { registerNodeApis } from "./node_apis.ts";

registerNodeApis();
setWasmLoader(fileLoader);

export * from "../api.ts";
