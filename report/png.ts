/**
 * Raster pictures of a model, encoded as PNG by `fast-png`: a vector shown as a `width × height`
 * image (a v(i) or a row of H of image data, say 28×28 MNIST pixels), and heat maps of a few rows
 * of many values (the v(i) of a text model). Values map to colours through a colour map; pixels
 * are enlarged by an integer factor (nearest neighbour), so small images stay sharp.
 *
 * @module
 */

import { encode } from "fast-png";

/** A colour: `[r, g, b]`, each 0–255. */
export type Rgb = [number, number, number];

/** Maps `t ∈ [0, 1]` to a colour. */
export type ColorMap = (t: number) => Rgb;

/** Piecewise-linear colour map through evenly spaced stops. */
function ramp(stops: Rgb[]): ColorMap {
  return (t) => {
    const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(x));
    const f = x - i;
    const [a, b] = [stops[i], stops[i + 1]];
    return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as Rgb;
  };
}

/** Colour maps: `gray` white (0) to black (1), as digits are drawn on paper; `viridis` (matplotlib's, 9 stops); `diverging` blue (−1, at t = 0) through white (t = 0.5) to red (+1, t = 1). */
export const COLOR_MAPS = {
  gray: ramp([[255, 255, 255], [0, 0, 0]]),
  viridis: ramp([
    [68, 1, 84],
    [71, 44, 122],
    [59, 81, 139],
    [44, 113, 142],
    [33, 144, 141],
    [39, 173, 129],
    [92, 200, 99],
    [170, 220, 50],
    [253, 231, 37],
  ]),
  diverging: ramp([[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]]),
} satisfies Record<string, ColorMap>;

/** Name of a colour map. */
export type ColorMapName = keyof typeof COLOR_MAPS;

/** Options of {@link imagePng} and {@link heatmapPng}. */
export interface PictureOptions {
  /** Colour map (default `"gray"` for images, `"viridis"` for heat maps). */
  colorMap?: ColorMapName;
  /**
   * The value drawn at the top of the colour map (default: the largest value, or the largest
   * absolute value for `"diverging"`, where `−max` is drawn at the bottom).
   */
  max?: number;
  /**
   * `"log"`: the top `decades` powers of ten below `max` spread over the colour map (for
   * heavy-tailed values such as TF-IDF weights); default `"linear"`. Not for `"diverging"`.
   */
  scale?: "linear" | "log";
  /** Powers of ten a log scale covers (default 4). */
  decades?: number;
  /** Colour of exact zeros (default: the colour map's bottom), to tell them from small values. */
  zeroColor?: Rgb;
}

/** `[lo, hi]` of the values drawn at the ends of the colour map. */
function colorRange(values: ArrayLike<number>, colorMap: ColorMapName, max: number | undefined): [number, number] {
  let top = max;
  if (top === undefined) {
    top = 0;
    for (let i = 0; i < values.length; i++) {
      const x = colorMap === "diverging" ? Math.abs(values[i]) : values[i];
      if (x > top) top = x;
    }
  }
  if (!(top > 0)) top = 1;
  return colorMap === "diverging" ? [-top, top] : [0, top];
}

/**
 * A PNG of `values` (row-major, `width × height`) drawn with a colour map, each value a
 * `scale × scale` block of pixels.
 * @throws {RangeError} when `values` does not hold `width × height` numbers or `scale` is not a positive integer.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { imagePng } from "./png.ts";
 *
 * const png = imagePng(new Float32Array(28 * 28).fill(0.5), 28, 28, 4);
 * assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * assert.equal(new DataView(png.buffer, png.byteOffset).getUint32(16), 28 * 4); // IHDR width: 4 pixels per value
 * ```
 */
export function imagePng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  scale = 1,
  options: PictureOptions = {},
): Uint8Array {
  if (values.length !== width * height) {
    throw new RangeError(`Cannot draw image: ${values.length} values for ${width} × ${height} pixels`);
  }
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`Cannot draw image: scale ${scale} is not ≥ 1`);
  const name = options.colorMap ?? "gray";
  const map = COLOR_MAPS[name];
  const [lo, hi] = colorRange(values, name, options.max);
  const decades = options.decades ?? 4;
  const position = options.scale === "log"
    ? (x: number) => (x > 0 ? 1 + Math.log10(x / hi) / decades : 0)
    : (x: number) => (x - lo) / (hi - lo);
  const outWidth = width * scale;
  const data = new Uint8Array(outWidth * height * scale * 3);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const x = values[r * width + c];
      const rgb = x === 0 && options.zeroColor ? options.zeroColor : map(position(x));
      for (let dy = 0; dy < scale; dy++) {
        let p = ((r * scale + dy) * outWidth + c * scale) * 3;
        for (let dx = 0; dx < scale; dx++, p += 3) data.set(rgb, p);
      }
    }
  }
  return encode({ width: outWidth, height: height * scale, data, channels: 3, depth: 8 });
}

/** Options of {@link heatmapPng}. */
export interface HeatmapOptions extends PictureOptions {
  /** Widest picture in pixels: more columns than this are merged into bins, each drawn at its largest value (default 1200). */
  maxWidth?: number;
  /** Narrowest picture in pixels: fewer columns than this are drawn several pixels wide (default 600). */
  minWidth?: number;
  /** Pixel height of each row (default 24). */
  rowHeight?: number;
}

/**
 * A heat map of a few rows of many values (say the v(i) of a text model: one row per stratum, one
 * column per word). When there are more columns than `maxWidth` pixels, neighbouring columns
 * share a pixel column, drawn at their largest value (so no non-zero disappears). All rows share
 * one colour range.
 * @returns the PNG and the number of columns each pixel column covers
 */
export function heatmapPng(
  rows: ArrayLike<number>[],
  options: HeatmapOptions = {},
): { png: Uint8Array; binWidth: number } {
  const cols = rows[0]?.length ?? 0;
  if (cols === 0 || rows.some((row) => row.length !== cols)) {
    throw new RangeError("Cannot draw heat map: rows must be non-empty and of equal length");
  }
  const { maxWidth = 1200, minWidth = 600, rowHeight = 24 } = options;
  const binWidth = Math.max(1, Math.ceil(cols / maxWidth));
  const width = Math.ceil(cols / binWidth);
  const binned = new Float64Array(rows.length * width);
  rows.forEach((row, r) => {
    for (let b = 0; b < width; b++) {
      let top = -Infinity;
      for (let j = b * binWidth; j < Math.min(cols, (b + 1) * binWidth); j++) top = Math.max(top, row[j]);
      binned[r * width + b] = top;
    }
  });
  // Each value a block of `widen × rowHeight` pixels.
  const widen = Math.max(1, Math.floor(minWidth / width));
  const pixels = new Float64Array(rows.length * rowHeight * width * widen);
  for (let y = 0; y < rows.length * rowHeight; y++) {
    const row = Math.floor(y / rowHeight) * width;
    for (let x = 0; x < width * widen; x++) pixels[y * width * widen + x] = binned[row + Math.floor(x / widen)];
  }
  const png = imagePng(pixels, width * widen, rows.length * rowHeight, 1, {
    ...options,
    colorMap: options.colorMap ?? "viridis",
  });
  return { png, binWidth };
}

/**
 * The heat map of the v(i) of a model with many columns (one row per stratum): columns ordered by
 * the stratum whose v is largest there, then by that value, largest first, so each stratum's own
 * features form a block. By default exact zeros are white and other values coloured on a log
 * scale ({@link SHIFTS_HEATMAP_LEGEND}).
 */
export function shiftsHeatmapPng(
  V: ArrayLike<number>[],
  options: HeatmapOptions = {},
): { png: Uint8Array; binWidth: number } {
  options = { scale: "log", decades: 4, zeroColor: [255, 255, 255], ...options };
  const cols = V[0]?.length ?? 0;
  const best = new Int32Array(cols);
  const top = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    V.forEach((v, i) => {
      if (i === 0 || v[j] > top[j]) [best[j], top[j]] = [i, v[j]];
    });
  }
  const order = Array.from({ length: cols }, (_, j) => j).sort((a, b) => best[a] - best[b] || top[b] - top[a] || a - b);
  return heatmapPng(V.map((v) => order.map((j) => v[j])), options);
}

/** How to read {@link shiftsHeatmapPng}'s default colours. */
export const SHIFTS_HEATMAP_LEGEND =
  "white: exactly 0; viridis on a log scale from 1e-4 of the largest value or less (dark purple) to the largest (yellow)";

/** A `data:` URI of PNG bytes, for an `<img src>` that needs no file. */
export function pngDataUri(png: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < png.length; i += 0x8000) binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(binary)}`;
}
