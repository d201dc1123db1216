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

/**
 * 64-bit FNV-1a over bytes, as 16 hex digits (four 16-bit limbs, no BigInt). The prime is
 * 2⁴⁰ + 0x1b3, so h · prime mod 2⁶⁴ is h · 0x1b3 plus h shifted up by 40 bits: every partial sum
 * stays below 2³¹ and the limbs stay in locals (about 1 ns a byte: the column sums of a wide fit
 * are megabytes).
 */
export function fnv1a64(chunks: readonly Uint8Array[]): string {
  // The 64-bit offset basis, low limb first.
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  for (const bytes of chunks) {
    for (let e = 0; e < bytes.length; e++) {
      h0 ^= bytes[e];
      const p0 = h0 * 0x1b3;
      const p1 = h1 * 0x1b3 + (p0 >>> 16);
      const p2 = h2 * 0x1b3 + (h0 << 8) + (p1 >>> 16);
      const p3 = h3 * 0x1b3 + (h1 << 8) + (p2 >>> 16);
      h0 = p0 & 0xffff;
      h1 = p1 & 0xffff;
      h2 = p2 & 0xffff;
      h3 = p3 & 0xffff;
    }
  }
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, "0")).join("");
}

const encoder = new TextEncoder();

/** The UTF-8 bytes of `text` (ASCII copied by a loop: TextEncoder's call costs more on short text). */
function utf8(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return encoder.encode(text);
    bytes[i] = code;
  }
  return bytes;
}

/** The fingerprint of resident strata (see the module comment). */
export function fingerprint(core: Core, resident: ResidentStrata, weights: readonly number[] | null): string {
  const text = utf8(JSON.stringify({
    names: resident.strata.map((x) => x.name),
    shapes: resident.strata.map((x) => [x.kind, x.rows, x.cols, x.nnz]),
    scale: resident.scale,
    weights,
  }));
  const bytes = (x: Float32Array | Float64Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const sums = resident.strata.map((x) => bytes(core.heap.f32(x.colSums, x.cols)));
  return fnv1a64([text, bytes(resident.norms), ...sums]);
}
