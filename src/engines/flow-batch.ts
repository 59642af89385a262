// Flow and result records in WASM memory (wasm/assembly/layout.ts): the batch arena of the WASM
// drivers. Views are made per call from the current `memory.buffer`, so growth never strands one.

import { PROTOCOL_NUMBER } from '../model/cluster.js';
import type { Decision, Flow, Verdict } from '../model/flow.js';
import {
  FLOW_DST_IP, FLOW_DST_PORT, FLOW_DURATION, FLOW_INDEX, FLOW_PACKETS, FLOW_PROTO, FLOW_SRC_IP, FLOW_SRC_PORT, FLOW_START,
  FLOW_STRIDE, RESULT_ENDPOINT, RESULT_EXTRA, RESULT_STRIDE, RESULT_VERDICT, RESULT_WORK,
  VERDICT_DNAT, VERDICT_NOMATCH, VERDICT_REJECT,
} from '../wasm/layout.js';

/** Flows per WASM call in `decide()`. @default 4096 */
export const DEFAULT_BATCH = 4096;

/** The part of the WASM exports a batch arena needs. */
export interface ArenaExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
}

/** A run of flow records with room for their results, in WASM memory for the instance's lifetime. */
export interface FlowBatch {
  readonly capacity: number;
  /** Flows currently written. */
  count: number;
  readonly flowsPtr: number;
  readonly resultsPtr: number;
}

/** Allocates a batch of `capacity` flows and results (may grow memory). */
export function allocateBatch(x: ArenaExports, capacity: number): FlowBatch {
  const n = Math.max(1, capacity);
  return { capacity: n, count: 0, flowsPtr: x.alloc(n * FLOW_STRIDE), resultsPtr: x.alloc(n * RESULT_STRIDE) };
}

/** Writes `flows[from … from+count)` into `batch` (count ≤ capacity). */
export function writeFlows(x: ArenaExports, batch: FlowBatch, flows: readonly Flow[], from: number, count: number): void {
  if (count > batch.capacity) throw new RangeError(`writeFlows: ${count} flows exceed the batch capacity ${batch.capacity}`);
  packFlows(new DataView(x.memory.buffer, batch.flowsPtr, count * FLOW_STRIDE), 0, flows, from, count);
  batch.count = count;
}

/** Writes Flow records for `flows[from … from+count)` at byte `at` of `view` (WASM memory or a host buffer). */
export function packFlows(view: DataView, at: number, flows: readonly Flow[], from = 0, count = flows.length - from): void {
  for (let k = 0; k < count; k++) {
    const f = flows[from + k]!;
    const p = at + k * FLOW_STRIDE;
    view.setUint32(p + FLOW_SRC_IP, f.src, true);
    view.setUint32(p + FLOW_DST_IP, f.dst, true);
    view.setUint16(p + FLOW_SRC_PORT, f.sport, true);
    view.setUint16(p + FLOW_DST_PORT, f.dport, true);
    view.setUint32(p + FLOW_PROTO, PROTOCOL_NUMBER[f.proto], true);
    view.setUint32(p + FLOW_INDEX, f.index, true);
    view.setFloat64(p + FLOW_START, f.start, true);
    view.setFloat64(p + FLOW_DURATION, f.duration, true);
    view.setUint32(p + FLOW_PACKETS, 0, true); // engines decide the first packet only
  }
}

const VERDICTS: Readonly<Record<number, Verdict>> = { [VERDICT_NOMATCH]: 'nomatch', [VERDICT_DNAT]: 'dnat', [VERDICT_REJECT]: 'reject' };

/** One result record as a Decision plus its `extra` word. */
export interface RawDecision extends Decision {
  /** Engine-specific word: userspace retries, 0 for nftables. */
  readonly extra: number;
}

/** Reads the first `count` results of `batch`, appending them to `out`. */
/**
 * Runs `flows` through `batch` a batch at a time: writes each batch, has `call(count)` decide it
 * (one WASM call on the batch's records), and reads its results, in flow order.
 */
export function decideInBatches(x: ArenaExports, batch: FlowBatch, flows: readonly Flow[], call: (count: number) => void): RawDecision[] {
  const out: RawDecision[] = [];
  for (let from = 0; from < flows.length; from += batch.capacity) {
    const count = Math.min(batch.capacity, flows.length - from);
    writeFlows(x, batch, flows, from, count);
    call(count);
    readResults(x, batch, count, out);
  }
  return out;
}

/** The decisions without their engine-specific `extra` word. */
export function plainDecisions(raw: readonly RawDecision[]): Decision[] {
  return raw.map(({ verdict, endpoint, work }) => ({ verdict, endpoint, work }));
}

export function readResults(x: ArenaExports, batch: FlowBatch, count: number, out: RawDecision[]): void {
  const v = new DataView(x.memory.buffer, batch.resultsPtr, count * RESULT_STRIDE);
  for (let k = 0; k < count; k++) {
    const p = k * RESULT_STRIDE;
    const code = v.getUint32(p + RESULT_VERDICT, true);
    const verdict = VERDICTS[code];
    if (verdict === undefined) throw new Error(`kpbench: WASM returned verdict code ${code}`);
    out.push({
      verdict,
      endpoint: v.getInt32(p + RESULT_ENDPOINT, true),
      work: v.getUint32(p + RESULT_WORK, true),
      extra: v.getUint32(p + RESULT_EXTRA, true),
    });
  }
}

/** Copies bytes into WASM memory at a fresh allocation; returns its address. */
export function copyIn(x: ArenaExports, bytes: Uint8Array): number {
  const ptr = x.alloc(Math.max(16, bytes.byteLength));
  new Uint8Array(x.memory.buffer, ptr, bytes.byteLength).set(bytes);
  return ptr;
}
