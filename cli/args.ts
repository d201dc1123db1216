/**
 * Argument parsing shared by the commands: `node:util`'s `parseArgs` with its errors turned into
 * usage errors (an unknown flag with a suggestion), and the SDK options as flags: their names,
 * parsing, checks and `--help` lines all come from the SDK's options table
 * (`sdk/input/options.ts`), so a flag says and checks what the option does.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import type { FitOptions, TransformOptions } from "../sdk/mod.ts";
import { RANK_BY, type RankBy } from "../sdk/contrast.ts";
import { type Check, choice, closest, integer, plainQuote } from "../sdk/input/checks.ts";
import { type Call, OPTION_NAMES, type OptionName, type Options, optionSpec } from "../sdk/input/options.ts";
import { UsageError } from "./errors.ts";
import { readInit } from "./model_file.ts";

type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

/** Values of parsed options: strings, booleans, or undefined when absent. */
export type Values = Record<string, string | boolean | undefined>;

/**
 * `--seed -5`: a value that starts with a dash and a digit is the value of the flag before it,
 * not a flag (parseArgs would call it ambiguous): joined as `--seed=-5`.
 */
function joinNegativeValues(args: string[], options: ParseOptions): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return [...joined, ...args.slice(i)];
    const takesValue = arg.startsWith("--") && options[arg.slice(2)]?.type === "string";
    if (takesValue && /^-\.?\d/.test(args[i + 1] ?? "")) joined.push(`${arg}=${args[++i]}`);
    else joined.push(arg);
  }
  return joined;
}

/** The message of an unknown flag, with the closest known one (an SDK option's name counts: `--maxIter`). */
function unknownFlag(message: string, options: ParseOptions): string {
  const flag = /Unknown option '([^']+)'/.exec(message)?.[1] ?? message;
  const names = new Map(Object.keys(options).map((name) => [name, name]));
  for (const name of OPTION_NAMES) {
    const spec = optionSpec(name);
    if (spec.flag && names.has(spec.flag.name)) names.set(name, spec.flag.name);
  }
  const suggestion = closest(flag.replace(/^-+/, ""), names);
  return `Unknown option '${flag}'` +
    (suggestion ? ` (did you mean --${suggestion}?)` : " (run the command with --help for its options)");
}

/**
 * Parses `args` against `options` (plus `-h, --help`, which prints the command's `help` text on
 * stdout and returns `help: true`); `names` are the positionals the command takes. Unknown
 * options (with a suggestion), missing values and a wrong number of positionals are usage errors.
 */
export function parse(
  args: string[],
  options: ParseOptions,
  command: { names: string[]; help: string },
): { values: Values; positionals: string[]; help: boolean } {
  const all = { ...options, help: { type: "boolean", short: "h" } } as const satisfies ParseOptions;
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(args, all), options: all, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    throw new UsageError(code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? unknownFlag(message, all) : message.split("\n")[0]);
  }
  const values = parsed.values as Values;
  const help = values.help === true;
  if (help) console.log(command.help);
  else if (parsed.positionals.length !== command.names.length) {
    const expected = command.names.length === 0 ? "no arguments" : command.names.join(" ");
    throw new UsageError(
      parsed.positionals.length < command.names.length
        ? `missing ${command.names.slice(parsed.positionals.length).join(" ")} (expected ${expected})`
        : `unexpected argument "${parsed.positionals[command.names.length]}" (expected ${expected})`,
    );
  }
  return { values, positionals: parsed.positionals, help };
}

/** A string option's value, or undefined. */
export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** The value of `--name TEXT` as `check` reads and allows it. */
function flagValue<T>(check: Check<T>, name: string, text: string): T {
  const value = check.parse(text);
  if (!check.is(value) || !check.allows(value)) {
    throw new UsageError(`--${name} must be ${check.rule(plainQuote)}, got "${text}"`);
  }
  return value;
}

/** An integer option ≥ `min`, or `fallback` when absent. */
export function integerOption(values: Values, name: string, min: number, fallback: number): number;
export function integerOption(values: Values, name: string, min: number, fallback?: number): number | undefined;
export function integerOption(values: Values, name: string, min: number, fallback?: number): number | undefined {
  const text = stringOption(values, name);
  return text === undefined ? fallback : flagValue(integer(min), name, text);
}

/** One of `allowed`, or `fallback`. */
export function choiceOption<const T extends string>(
  values: Values,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const text = stringOption(values, name);
  return text === undefined ? fallback : flagValue(choice(...allowed), name, text);
}

/** `--init`: a kind of start, or a file of starting factors (read and checked here). */
function initValue(text: string): FitOptions["init"] {
  return text === "random" || text === "nndsvd" ? text : readInit(text);
}

/** Which SDK options a command takes as flags, and its own defaults. */
export interface FlagChoice {
  /** Only these options (default: every option of the call that has a flag). */
  only?: OptionName[];
  /** The command's defaults, applied and shown in `--help` (`snmf fit`: rank 5). */
  defaults?: Partial<Options>;
  /** How `--help` says a default that is not a value ("the model's"). */
  defaultTexts?: Partial<Record<OptionName, string>>;
}

/** SDK options as flags: for parseArgs, for `--help`, and the options the parsed values give. */
export interface SdkFlags {
  /** The flags, as parseArgs options. */
  options: ParseOptions;
  /** Their `--help` lines. */
  help: string;
  /** The SDK options that the parsed values and the command's defaults give. */
  read(values: Values): Partial<FitOptions & TransformOptions>;
}

/** `text` wrapped at `width` columns, lines after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines = [""];
  for (const word of text.split(" ")) {
    const line = lines[lines.length - 1];
    if (line !== "" && line.length + 1 + word.length > width) lines.push(word);
    else lines[lines.length - 1] = line === "" ? word : `${line} ${word}`;
  }
  return lines.join(`\n${indent}`);
}

/** The `--help` line of option `name` with the command's default. */
function helpLine(name: OptionName, choice: FlagChoice): string {
  const { flag, defaultText } = optionSpec(name);
  const given = choice.defaults?.[name];
  const shown = choice.defaultTexts?.[name] ?? (given !== undefined ? String(given) : defaultText.replace(/[`"]/g, ""));
  const usage = `--${flag!.name}${flag!.value ? ` ${flag!.value}` : ""}`;
  return `  ${usage.padEnd(16)}  ${wrap(flag!.help.replace("{default}", shown), 76, " ".repeat(20))}`;
}

/** The SDK options of `call` as flags, as `choice` selects them. */
export function sdkFlags(call: Call, choice: FlagChoice = {}): SdkFlags {
  const names = choice.only ?? OPTION_NAMES.filter((name) => optionSpec(name).calls.includes(call));
  const flagged = names.filter((name) => optionSpec(name).flag);
  const options: ParseOptions = {};
  for (const name of flagged) {
    const flag = optionSpec(name).flag!;
    options[flag.name] = { type: flag.value ? "string" : "boolean" };
  }
  return {
    options,
    help: flagged.map((name) => helpLine(name, choice)).join("\n"),
    read(values) {
      const read: Record<string, unknown> = { ...choice.defaults };
      for (const name of flagged) {
        const spec = optionSpec(name);
        const given = values[spec.flag!.name];
        if (given === undefined) continue;
        if (spec.flag!.negates) read[name] = false;
        else if (name === "init") read[name] = initValue(given as string);
        else read[name] = flagValue(spec.check, spec.flag!.name, given as string);
      }
      return read;
    },
  };
}

/** The output flags of the commands that fit: where the model goes, a JSON summary, no messages. */
export const OUTPUT_FLAGS = {
  out: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
} as const satisfies ParseOptions;

/**
 * The flags of the commands that list top features (top, export, report): how many per stratum
 * and topic (`--top N`; `snmf top` calls it `--count N`), and what ranks them (`--by`).
 */
export const RANKING_FLAGS = {
  top: { type: "string" },
  by: { type: "string" },
} as const satisfies ParseOptions;

/** The values of the ranking flags: `count` (default 10) from `--top` or `countFlag`, `by` (default contrast). */
export function rankingOptions(values: Values, countFlag = "top"): { count: number; by: RankBy } {
  return { count: integerOption(values, countFlag, 1, 10), by: choiceOption(values, "by", RANK_BY, "contrast") };
}
