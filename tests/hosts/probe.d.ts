// Types of probe.js, for the TypeScript that imports it (reference.ts).

export declare const PROBE_FIT: { rank: number; maxIter: number; seed: number };
export declare const PROBE_EFFECTS: {
  replicates: number;
  permutations: number;
  seed: number;
  iterations: number;
  pooledIterations: number;
};
export declare function hashBytes(bytes: Uint8Array): string;
export declare function probeStrata(sdk: typeof import("../../sdk/mod.ts")): import("../../sdk/mod.ts").Stratum[];
export interface ProbeResult {
  factors: string;
  /** effects()' records on the probe's model, hashed. */
  effects: string;
  lossHistory: number[];
  normalizedLoss: number;
  threads: number;
  build: { simd: boolean; shared: boolean } | null;
  shared: boolean;
}
export declare function probe(sdk: typeof import("../../sdk/mod.ts"), threads?: number): Promise<ProbeResult>;
