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
}
