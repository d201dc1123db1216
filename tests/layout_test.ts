// The layout: folders import one way (README, "Layout"). Every relative import of every source
// file is resolved to its top-level folder and checked against what that folder may use.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What each folder may import, besides itself. */
const ALLOWED: Record<string, string[]> = {
  sdk: [],
  io: ["sdk"],
  text: ["io", "sdk"],
  report: ["sdk"],
  cli: ["report", "text", "io", "sdk", "package.json"],
  testing: ["sdk"],
  bench: ["cli", "report", "text", "io", "testing", "sdk", "build", "assembly"],
  tests: ["bench", "cli", "report", "text", "io", "testing", "sdk", "dist", "build", "docs"],
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => !path.includes("/generated/"));
}

const IMPORT = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

describe("layout", () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder}/ imports only ${allowed.join(", ") || "itself"}`, () => {
      const wrong: string[] = [];
      for (const file of sources(folder)) {
        for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
          const target = relative(ROOT, resolve(dirname(file), spec)).split("/")[0];
          if (target !== folder && !allowed.includes(target)) wrong.push(`${relative(ROOT, file)} → ${spec}`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }
});
