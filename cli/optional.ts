/**
 * The command line's optional packages: libraries only some commands need (the report's charts,
 * file formats), optional peer dependencies of the package so that installing it for the SDK
 * does not pull them in. The commands import them when they run; when one is not installed, the
 * error names it, what needs it, and how to install it.
 *
 * @module
 */

import packageJson from "../package.json" with { type: "json" };

/** What cannot be done without each optional package, and the packages to install together with it. */
export const OPTIONAL_PACKAGES: Readonly<Record<string, { cannot: string; installWith: readonly string[] }>> = {
  vega: { cannot: "cannot draw the report's charts", installWith: ["vega", "vega-lite"] },
  "vega-lite": { cannot: "cannot draw the report's charts", installWith: ["vega", "vega-lite"] },
  "hyparquet-writer": { cannot: "cannot write Parquet files", installWith: ["hyparquet-writer"] },
  hyparquet: { cannot: "cannot read Parquet files", installWith: ["hyparquet", "hyparquet-compressors"] },
  "hyparquet-compressors": {
    cannot: "cannot read compressed Parquet files",
    installWith: ["hyparquet", "hyparquet-compressors"],
  },
  "apache-arrow": { cannot: "cannot read Arrow IPC files", installWith: ["apache-arrow"] },
};

/** The package a bare specifier names: `vega-lite/build/x.js` → `vega-lite`, `@a/b/c` → `@a/b`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * The optional package whose absence `error` reports (an import that found no such package,
 * as Node, Deno and Bun word it), or undefined for any other error.
 */
export function missingOptionalPackage(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const specifier = /Cannot find (?:package|module) ['"]([^'"]+)['"]|Could not find (?:package|module) ['"]?([^'"\s]+)/
    .exec(message);
  const name = specifier ? packageOf(specifier[1] ?? specifier[2]) : undefined;
  return name !== undefined && Object.hasOwn(OPTIONAL_PACKAGES, name) ? name : undefined;
}

/**
 * The one-line message for a missing optional package: what cannot be done, and the command
 * that installs it at the versions this package is tested with (its devDependencies).
 */
export function missingPackageMessage(name: string): string {
  const { cannot, installWith } = OPTIONAL_PACKAGES[name];
  const tested = packageJson.devDependencies as Record<string, string>;
  const specs = installWith.map((p) => (tested[p] ? `${p}@${tested[p]}` : p));
  return `${cannot}: the package ${name} is not installed (an optional dependency of stratified-nmf, left out so that the SDK installs alone): npm install ${
    specs.join(" ")
  }`;
}
