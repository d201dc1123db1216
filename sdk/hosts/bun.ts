/**
 * The `bun` export condition: reads `snmf….wasm` next to the bundle (Bun's `node:fs`); threads on
 * Bun's Web Workers.
 *
 * @module
 */

import { setWasmLoader } from "../runtime/core.ts";
import { fileLoader } from "./file_loader.ts";

setWasmLoader(fileLoader);

export * from "../api.ts";
