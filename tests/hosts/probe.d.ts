// Types of probe.js, for the TypeScript that imports it (reference.ts).

export declare const PROBE_FIT: { rank: number; maxIter: number; seed: number };
export declare function hashBytes(bytes: Uint8Array): string;
export declare function probeStrata(sdk: typeof import("../../sdk/mod.ts")): import("../../sdk/mod.ts").Stratum[];
export interface ProbeResult {
  factors: string;
  lossHistory: number[];
  normalizedLoss: number;
  threads: number;
  build: { simd: boolean; shared: boolean } | null;
  shared: boolean;
}
export declare function probe(sdk: typeof import("../../sdk/mod.ts"), threads?: number): Promise<ProbeResult>;
