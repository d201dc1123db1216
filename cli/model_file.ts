/**
 * Model files (`Model.toJSON()` as JSON) and `--init` files (JSON `{ V, W, H }`): reading with
 * errors that name the file, and atomic writing.
 *
 * @module
 */

import { type InitialFactors, Model } from "../sdk/mod.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { InputError } from "./errors.ts";
import { readText } from "../io/source.ts";

/** The 1-based line of a JSON.parse error, where the engine's message gives a position. */
function errorLine(text: string, message: string): number | undefined {
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  if (!position) return undefined;
  const offset = Number(position[1]);
  let count = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

/** Parses a JSON file, reporting a syntax error with the file and (where known) the line. */
export function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.replace(/\r?\n/g, "\\n").slice(0, 200);
    throw new InputError(file, errorLine(text, message), `not valid JSON: ${message}`);
  }
}

/** A model from a model file. */
export function readModel(file: string): Model {
  const json = readJson(file);
  try {
    return Model.fromJSON(json as Parameters<typeof Model.fromJSON>[0]);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new InputError(file, undefined, error.message.replace(/^Cannot read model: /, "not a model file: "));
    }
    throw error;
  }
}

/** Starting factors from an `--init` file: `{ V, W, H }`, such as a model file. */
export function readInit(file: string): InitialFactors {
  const json = readJson(file) as Partial<InitialFactors> | null;
  if (typeof json !== "object" || json === null || !json.V || !json.W || !json.H) {
    throw new InputError(file, undefined, "is not an --init file: expected a JSON object with V, W and H");
  }
  return { V: json.V, W: json.W, H: json.H };
}

/** Writes a model file atomically. */
export function writeModel(file: string, model: Model): void {
  writeFileAtomic(file, JSON.stringify(model.toJSON()) + "\n");
}
