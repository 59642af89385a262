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
  workloadConfigure(key: number, services: number, ipPtr: number, portPtr: number, protoPtr: number, cdfPtr: number,
    miss16: number, clients: number, rate: number, duration: number, invLnQ: number): void;
  /** Writes one shard's flows of a range as Flow records; returns how many. */
  workloadGenerate(first: number, count: number, shard: number, shards: number, outPtr: number): number;
}
