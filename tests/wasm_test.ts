// The build: every build exports exactly the kernels of the registry (sdk/runtime/kernels.ts),
// with their arities; the hot loops are SIMD (disassembled with binaryen's wasm-dis from
// node_modules), the module imports its memory, and the shared build imports a shared one.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { KERNELS, type KernelSpec, OTHER_EXPORTS } from "../sdk/runtime/kernels.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const wasmDis = `${root}node_modules/.bin/wasm-dis`;

/** The text of one exported function in binaryen's disassembly. */
function exportedFunction(text: string, name: string): string {
  const index = text.match(new RegExp(`\\(export "${name}" \\(func \\$(\\S+)\\)\\)`))?.[1];
  assert.ok(index !== undefined, `export ${name} missing`);
  const start = text.indexOf(`(func $${index} `);
  assert.ok(start >= 0);
  const end = text.indexOf("\n (func ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

describe("the WebAssembly build", () => {
  for (
    const [file, shared] of [["snmf.wasm", false], ["snmf.shared.wasm", true], ["snmf.scalar.wasm", false], [
      "snmf.scalar.shared.wasm",
      true,
    ]] as const
  ) {
    it(`${file}: exports the registry's kernels (names and arities), heap_base and nothing else`, () => {
      const module = new WebAssembly.Module(readFileSync(`${root}build/${file}`));
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared });
      const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
      const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === "function").map((e) => e.name);
      assert.deepEqual(functions.sort(), [...KERNELS.map((k) => k.name), ...OTHER_EXPORTS].sort());
      for (const { name, params } of KERNELS) {
        assert.equal((exports[name] as (...args: number[]) => unknown).length, params.length, `${name}'s arity`);
      }
    });
  }

  for (const file of ["snmf.wasm", "snmf.scalar.wasm"]) {
    it(`${file}: the registry's float parameters are the kernels' f32 and f64 parameters`, () => {
      const text = execFileSync(wasmDis, [`${root}build/${file}`], { encoding: "utf8" });
      for (const { name, params, floats = [] } of KERNELS as readonly KernelSpec[]) {
        const header = exportedFunction(text, name).split("\n")[0];
        const types = [...header.matchAll(/\(param \$\d+ (\w+)\)/g)].map((m) => m[1]);
        assert.deepEqual(
          params.filter((_, a) => types[a] === "f32" || types[a] === "f64"),
          params.filter((param) => floats.includes(param)),
          `${name}'s float parameters (${types.join(" ")})`,
        );
      }
    });
  }

  for (const [file, shared] of [["snmf.wasm", false], ["snmf.shared.wasm", true]] as const) {
    const path = `${root}build/${file}`;
    it(`${file}: dense and CSR product kernels use f32x4 SIMD`, () => {
      assert.ok(existsSync(path), `${path} missing: run npm run build`);
      const text = execFileSync(wasmDis, [path], { encoding: "utf8" });
      for (const kernel of ["f32_aht_wta", "csr_atw_ranges"]) {
        const body = exportedFunction(text, kernel);
        assert.match(body, /v128\.load/, `${kernel} loads v128`);
        assert.match(body, /f32x4\.mul/, `${kernel} multiplies f32x4`);
        assert.match(body, /f32x4\.add/, `${kernel} adds f32x4`);
      }
      const memoryImport = text.match(/\(import "env" "memory" \(memory \S+ (\d+) (\d+)( shared)?\)\)/);
      assert.ok(memoryImport, "imports env.memory with a maximum");
      assert.equal(Boolean(memoryImport[3]), shared);
      assert.doesNotMatch(text, /\(data /, "no data segments (instances on a shared memory must not rewrite it)");
    });
  }
});
