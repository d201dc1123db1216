/**
 * The `default` export condition: the embedded bytes, no configuration, no host API. For hosts
 * and bundlers that no other condition matches.
 *
 * @module
 */

import { setWasmLoader } from "../runtime/core.ts";
import { embeddedLoader } from "./embedded.ts";

setWasmLoader(embeddedLoader);

export * from "../api.ts";
