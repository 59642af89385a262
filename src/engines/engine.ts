// The contract every dataplane engine (WASM or reference) offers to `decide` and the tests.

import type { Decision, Flow } from '../model/flow.js';
import type { KpbenchExports } from '../wasm/exports.js';

/** A dataplane that decides new flows one batch at a time, keeping its state between batches. */
export interface DecisionEngine {
  /** Engine label for reports, e.g. `iptables/wasm-simd` or `ipvs:rr/reference`. */
  readonly label: string;
  /**
   * Decides `flows` in order. Flows must come in non-decreasing `start` order across calls;
   * state (affinity lists, connections, cursors) carries over to the next call.
   */
  decide(flows: readonly Flow[]): Decision[];
}

/**
 * A WASM engine the benchmark runner drives in place: flows are generated straight into the
 * engine's own instance, decided there, and folded into counters there.
 */
export interface BatchEngine {
  /** The instance the engine lives in. */
  readonly exports: KpbenchExports;
  /**
   * Decides `count` Flow records at `flowsPtr` (non-decreasing start across calls), writing Result
   * records at `resultsPtr`. One JS→WASM call.
   */
  decideRecords(flowsPtr: number, count: number, resultsPtr: number): void;
}
