// nftables engine exports (re-exported by index.ts). One dataplane per instance.

import { FLOW_START, FLOW_STRIDE, RESULT_STRIDE } from '../layout';
import { E_ARGUMENT, E_NOT_LOADED, EP_STRIDE, STATUS_OK, SVC_STRIDE } from '../maps/layout';
import { NftablesDataplane } from './engine';

let dataplane: NftablesDataplane | null = null;

/**
 * Loads a service image (maps/layout.ts) already written into memory and builds the verdict maps.
 * `nodeIps` lists the node's addresses; `decisionKey` = streamKey(seed, RandomDomain.DECISION).
 */
export function nftLoad(services: usize, serviceCount: u32, endpoints: usize, nodeIps: usize, nodeIpCount: u32, decisionKey: u32): i32 {
  dataplane = new NftablesDataplane(services, serviceCount, endpoints, nodeIps, nodeIpCount, decisionKey);
  return STATUS_OK;
}

/** Decides `count` flows (non-decreasing start, also across calls) into `count` result records. */
export function nftDecideBatch(flows: usize, count: u32, results: usize): i32 {
  const d = dataplane;
  if (d === null) return E_NOT_LOADED;
  if (count == 0) return STATUS_OK;
  if (flows == 0 || results == 0) return E_ARGUMENT;
  // Each flow adds at most one affinity element.
  d.affinity.reserve(count, load<f64>(flows + FLOW_START));
  for (let i: u32 = 0; i < count; i++) {
    d.decide(flows + <usize>i * FLOW_STRIDE, results + <usize>i * RESULT_STRIDE);
  }
  return STATUS_OK;
}

/** Forgets the affinity sets (a fresh dataplane with the same image). */
export function nftReset(): i32 {
  const d = dataplane;
  if (d === null) return E_NOT_LOADED;
  d.affinity.clear();
  return STATUS_OK;
}

/** Service-image strides (maps/layout.ts), for the host/WASM agreement test. */
export function serviceImageServiceStride(): i32 {
  return <i32>SVC_STRIDE;
}

export function serviceImageEndpointStride(): i32 {
  return <i32>EP_STRIDE;
}
