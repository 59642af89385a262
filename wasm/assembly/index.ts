// Export surface of the kpbench WASM core. The scalar and SIMD builds compile this same source;
// ASC_FEATURE_SIMD selects the vector paths at compile time.

import { FLOW_STRIDE, RESULT_STRIDE } from './layout';

/** 1 when this build uses 128-bit SIMD. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

/** Arena allocation for the host: lives as long as the instance (stub runtime, never freed). */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function layoutFlowStride(): i32 {
  return <i32>FLOW_STRIDE;
}

export function layoutResultStride(): i32 {
  return <i32>RESULT_STRIDE;
}

export * from './iptables/api';
export * from './ipvs/api';
export * from './nftables/api';
export * from './userspace/api';
export * from './workload/api';
export * from './stats/api';
export * from './conntrack/api';
export * from './calibrate/api';
