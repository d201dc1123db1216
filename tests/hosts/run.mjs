// npm run test:hosts [-- HOST…]: builds and packs the package as npm publish would (the
// prepare script is the build, run here first so that its output stays out of npm pack's
// JSON), computes the reference results from the source tree, then runs one test file per host,
// each installing the tarball into a fresh temporary project of its own.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "snmf-hosts-"));

execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
const packed = JSON.parse(
  execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }),
);
const tarball = join(work, packed[0].filename);
console.log(`packed ${tarball}: ${packed[0].entryCount} files, ${packed[0].size} bytes`);

const csvDir = join(work, "cli-data");
mkdirSync(csvDir);
const reference = execFileSync(
  join(root, "node_modules/.bin/deno"),
  ["run", "-A", join(root, "tests/hosts/reference.ts"), csvDir],
  { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
const context = join(work, "context.json");
writeFileSync(
  context,
  JSON.stringify({ root, work, tarball, csvDir, files: packed[0].files, ...JSON.parse(reference) }),
);

// `npm run test:hosts -- node bun` runs those hosts only.
const all = ["package", "node", "deno", "bun", "workerd", "edge", "browser"];
const chosen = process.argv.slice(2);
for (const host of chosen) if (!all.includes(host)) throw new Error(`Unknown host ${host}: one of ${all.join(", ")}`);
const hosts = chosen.length > 0 ? chosen : all;
const result = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=1", ...hosts.map((host) => join(root, "tests/hosts", `${host}.mjs`))],
  { stdio: "inherit", env: { ...process.env, SNMF_HOSTS_CONTEXT: context } },
);
process.exit(result.status ?? 1);
