// userspace proxy engine exports (re-exported by index.ts). One proxy per instance.

import { FLOW_START, FLOW_STRIDE, RESULT_STRIDE } from '../layout';
import { E_ARGUMENT, E_NOT_LOADED, STATUS_OK } from '../maps/layout';
import { UserspaceProxy } from './engine';

let proxy: UserspaceProxy | null = null;

/** Loads a service image (maps/layout.ts) already written into memory; `nodeIps` are the node's addresses. */
export function usLoad(services: usize, serviceCount: u32, endpoints: usize, nodeIps: usize, nodeIpCount: u32): i32 {
  proxy = new UserspaceProxy(services, serviceCount, endpoints, nodeIps, nodeIpCount);
  return STATUS_OK;
}

/** Decides `count` flows (non-decreasing start, also across calls) into `count` result records. */
export function usDecideBatch(flows: usize, count: u32, results: usize): i32 {
  const p = proxy;
  if (p === null) return E_NOT_LOADED;
  if (count == 0) return STATUS_OK;
  if (flows == 0 || results == 0) return E_ARGUMENT;
  // Each flow writes at most one new affinity key (its own client's).
  p.affinity.reserve(count, load<f64>(flows + FLOW_START));
  for (let i: u32 = 0; i < count; i++) {
    p.decide(flows + <usize>i * FLOW_STRIDE, results + <usize>i * RESULT_STRIDE);
  }
  return STATUS_OK;
}

/** Round-robin cursors to the first endpoint and affinity maps emptied. */
export function usReset(): i32 {
  const p = proxy;
  if (p === null) return E_NOT_LOADED;
  p.reset();
  return STATUS_OK;
}
