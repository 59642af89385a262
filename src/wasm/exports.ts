// The WASM export surface, mirroring wasm/assembly/index.ts. Pointers are byte offsets into memory.

/** Exports of the kpbench WASM core (scalar and SIMD builds share it). */
export interface KpbenchExports {
  readonly memory: WebAssembly.Memory;
  /** 1 when built with SIMD. */
  simdEnabled(): number;
  /** Bump-allocates `bytes` (16-byte aligned) for the lifetime of the instance; may grow memory. */
  alloc(bytes: number): number;
  /** Layout constants, for the host/WASM agreement test. */
  layoutFlowStride(): number;
  layoutResultStride(): number;
  /** Sets the synthetic workload (see wasm/assembly/workload/generate.ts). */
  workloadConfigure(key: number, services: number, ipPtr: number, portPtr: number, protoPtr: number, aliasPtr: number,
    miss16: number, clients: number, rate: number, duration: number, invLnQ: number): void;
  /** Writes one shard's flows of a range as Flow records; returns how many. */
  workloadGenerate(first: number, count: number, shard: number, shards: number, outPtr: number): number;
  /** Points the exact counters at host arrays (wasm/assembly/stats/layout.ts) and zeroes them. */
  statsConfigure(stats: number, serving: number, endpoints: number, counts: number, hist: number, bins: number): void;
  /** Zeroes the exact counters. */
  statsReset(): void;
  /** Folds `count` decided flows (Flow and Result records) into the counters. */
  statsAccumulate(flows: number, results: number, count: number): void;
  /** Uses `capacity` 16-byte entries at `ptr` as an empty conntrack table (capacity a power of two). */
  conntrackConfigure(ptr: number, capacity: number): void;
  /** Empties the conntrack table. */
  conntrackClear(): void;
  /** Inserts the 5-tuples of `count` Flow records. */
  conntrackInsertBatch(flows: number, count: number): void;
  /** Looks up packets 2… of each of `count` Flow records; returns the hits. */
  conntrackLookupBatch(flows: number, count: number): number;
  /** Probes made by all conntrack lookups so far. */
  conntrackProbes(): bigint;
}
