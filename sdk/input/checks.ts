/**
 * Checks of single values, for the options table (`options.ts`) and the model-file reader
 * (`model_file.ts`). A check knows the type a value must have and which values of that type are
 * allowed, and says so in words for error messages, `--help` and README. The rule of the SDK's
 * errors: a value of the wrong JavaScript type is a `TypeError`; a value of the right type that
 * is not allowed (out of range, not one of the choices, a name that is not an option) is a
 * `RangeError`.
 *
 * @module
 */

/** How a rule quotes its words: `"mu"` in the SDK's messages, `mu` on the command line. */
export type Quote = (word: string) => string;

/** The SDK's quoting: JSON strings. */
export const jsonQuote: Quote = (word) => JSON.stringify(word);

/** The command line's quoting: none. */
export const plainQuote: Quote = (word) => word;

/** A check of one value of type `T`. */
export interface Check<T> {
  /** Whether `value` has the type (otherwise: a TypeError). */
  is(value: unknown): value is T;
  /** Whether a value of the type is allowed (otherwise: a RangeError). */
  allows(value: T): boolean;
  /** What the value must be, after "must be": `an integer ≥ 1`, `one of "hals", "mu"`. */
  rule(quote: Quote): string;
  /** The value a command-line text stands for (one that `allows` refuses when the text is no value). */
  parse(text: string): T;
  /** For arrays: the check of each item (so that messages name the item: `names[1]`). */
  item?: Check<unknown>;
}

/** Integers from `min` (default: any safe integer) up to `max`. */
export function integer(min?: number, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return {
    is: (value): value is number => typeof value === "number",
    allows: (value) => Number.isSafeInteger(value) && value >= (min ?? Number.MIN_SAFE_INTEGER) && value <= max,
    rule: () =>
      min === undefined
        ? "a safe integer"
        : max === Number.MAX_SAFE_INTEGER
        ? `an integer ≥ ${min}`
        : `an integer in [${min}, ${max}]`,
    parse: (text) => /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN,
  };
}

/** Finite numbers ≥ `min`. */
export function finite(min: number): Check<number> {
  return {
    is: (value): value is number => typeof value === "number",
    allows: (value) => Number.isFinite(value) && value >= min,
    rule: () => `a finite number ≥ ${min}`,
    parse: (text) => text.trim() === "" ? NaN : Number(text),
  };
}

/** Finite numbers > 0. */
export const positive: Check<number> = {
  is: (value): value is number => typeof value === "number",
  allows: (value) => Number.isFinite(value) && value > 0,
  rule: () => "a finite number > 0",
  parse: (text) => text.trim() === "" ? NaN : Number(text),
};

/** One of the strings `allowed`. */
export function choice<const T extends string>(...allowed: T[]): Check<T> {
  return {
    is: (value): value is T => typeof value === "string",
    allows: (value) => allowed.includes(value),
    rule: (quote) => `one of ${allowed.map(quote).join(", ")}`,
    parse: (text) => text as T,
  };
}

/** Values of one JavaScript type, all allowed: `is` decides, `rule` names the type. */
export function ofType<T>(rule: string, is: (value: unknown) => boolean): Check<T> {
  return {
    is: (value): value is T => is(value),
    allows: () => true,
    rule: () => rule,
    parse: (text) => text as T,
  };
}

export const boolean: Check<boolean> = ofType("a boolean", (value) => typeof value === "boolean");

/** Arrays (any length: callers check it against the data) of items that `item` allows. */
export function arrayOf<T>(item: Check<T>, rule: string): Check<T[]> {
  return {
    is: (value): value is T[] => Array.isArray(value),
    allows: (value) => value.every((x) => item.is(x) && item.allows(x)),
    rule: () => rule,
    parse: (text) => text.split(",").map((word) => item.parse(word)),
    item,
  };
}

/** Arrays of strings. */
export const strings: Check<string[]> = arrayOf(
  ofType<string>("a string", (value) => typeof value === "string"),
  "an array of strings",
);

/** `check`, or null (written `null` in messages). */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return {
    is: (value): value is T | null => value === null || check.is(value),
    allows: (value) => value === null || check.allows(value),
    rule: (quote) => `${check.rule(quote)} or null`,
    parse: (text) => check.parse(text),
  };
}

/** A value as an error message shows it after "got": `-1`, `fast`, `a string ("yes")`. */
function shown(value: unknown, typeWrong: boolean): string {
  if (!typeWrong) return String(value);
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  if (type === "object" || type === "function") return `${type === "object" ? "an" : "a"} ${type}`;
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type} (${text.length > 40 ? text.slice(0, 40) + "…" : text})`;
}

/**
 * `value` as `check` allows it, or the error that says why not: `${action}: ${place} must be
 * ${rule}, got ${value}`.
 * @throws {TypeError} when the value has the wrong type
 * @throws {RangeError} when it has the right type but is not allowed
 */
export function checked<T>(check: Check<T>, value: unknown, place: string, action: string): T {
  if (!check.is(value)) {
    throw new TypeError(`${action}: ${place} must be ${check.rule(jsonQuote)}, got ${shown(value, true)}`);
  }
  if (check.item && Array.isArray(value)) value.forEach((x, i) => checked(check.item!, x, `${place}[${i}]`, action));
  if (!check.allows(value)) {
    throw new RangeError(`${action}: ${place} must be ${check.rule(jsonQuote)}, got ${shown(value, false)}`);
  }
  return value;
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * The suggestion for a mistyped name: among `candidates` (each name someone might type, with
 * what to suggest for it), the closest, compared without case, `-` and `_`. A name one is a
 * prefix of the other's (3 letters at least, a plural `s` aside: `iterations` and `iters`) is
 * closer than any typo; beyond that, at most one edit per three letters.
 */
export function closest(name: string, candidates: ReadonlyMap<string, string>): string | undefined {
  const normal = (text: string) => text.toLowerCase().replace(/[-_]/g, "");
  const stem = (text: string) => text.replace(/s$/, "");
  const typed = normal(name);
  let best: string | undefined;
  let bestScore = Math.max(1, Math.floor(typed.length / 3)) + 1;
  for (const [candidate, suggestion] of candidates) {
    const known = normal(candidate);
    const [short, long] = typed.length <= known.length ? [typed, known] : [known, typed];
    const prefix = stem(short).length >= 3 && long.startsWith(stem(short));
    const score = typed === known ? 0 : prefix ? 0.5 : editDistance(typed, known);
    if (score < bestScore) [best, bestScore] = [suggestion, score];
  }
  return best;
}
