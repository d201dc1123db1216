/**
 * A fingerprint of the data a fit stored: the strata's names and shapes, the scale and weights
 * applied, and the constants the fit computes from the stored values anyway (each stratum's
 * ‖A(i)‖² in float64 and column sums c(i) in float32). Loading the same data the same way gives
 * the same bits, so the same fingerprint; other data almost surely not. `effects()` checks it.
 *
 * @module
 */

import type { Core } from "../runtime/core.ts";
import type { ResidentStrata } from "./strata.ts";

/** 64-bit FNV-1a over bytes, as 16 hex digits (two 32-bit halves, no BigInt). */
export function fnv1a64(chunks: readonly Uint8Array[]): string {
  // The 64-bit offset basis and prime, in 16-bit limbs (low first).
  let h = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  const prime = [0x01b3, 0x0000, 0x0100, 0x0000];
  for (const bytes of chunks) {
    for (let e = 0; e < bytes.length; e++) {
      h[0] ^= bytes[e];
      const product = [0, 0, 0, 0];
      for (let i = 0; i < 4; i++) {
        let carry = 0;
        for (let j = 0; i + j < 4; j++) {
          const t = product[i + j] + h[i] * prime[j] + carry;
          product[i + j] = t & 0xffff;
          carry = Math.floor(t / 0x10000);
        }
      }
      h = product;
    }
  }
  return h.reverse().map((limb) => limb.toString(16).padStart(4, "0")).join("");
}

/** The fingerprint of resident strata (see the module comment). */
export function fingerprint(core: Core, resident: ResidentStrata, weights: readonly number[] | null): string {
  const text = new TextEncoder().encode(JSON.stringify({
    names: resident.strata.map((x) => x.name),
    shapes: resident.strata.map((x) => [x.kind, x.rows, x.cols, x.nnz]),
    scale: resident.scale,
    weights,
  }));
  const norms = new Uint8Array(Float64Array.from(resident.norms).buffer);
  const sums = resident.strata.map((x) => new Uint8Array(Float32Array.from(core.heap.f32(x.colSums, x.cols)).buffer));
  return fnv1a64([text, norms, ...sums]);
}
