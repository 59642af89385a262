// The shared driver of the nftables and userspace WASM engines: flows go into a WASM arena with the
// Flow layout and are decided with one call per batch. Subclasses override the two entry-point hooks.

import { KpbenchError } from '../errors.js';
import type { Flow } from '../model/flow.js';
import type { KpbenchExports } from '../wasm/exports.js';
import type { BatchEngine, DecisionEngine } from './engine.js';
import { allocateBatch, decideInBatches, DEFAULT_BATCH, readResults, writeFlows, type FlowBatch, type RawDecision } from './flow-batch.js';

/**
 * A DecisionEngine over one WASM instance, plus the low-level batch API benchmarks use: load a
 * batch once (`loadBatch`), run it many times (`runBatch`, one WASM call), `reset` state between runs.
 */
export abstract class BatchWasmEngine implements DecisionEngine, BatchEngine {
  abstract readonly label: string;
  /** Flows per WASM call in `decide`. */
  readonly batchSize: number;
  protected readonly x: KpbenchExports;
  #arena: FlowBatch | null = null;

  protected constructor(x: KpbenchExports, batchSize: number = DEFAULT_BATCH) {
    this.x = x;
    this.batchSize = batchSize;
  }

  /** The instance the engine lives in. */
  get exports(): KpbenchExports {
    return this.x;
  }

  /**
   * Decides `count` Flow records at `flowsPtr` into Result records at `resultsPtr`: one WASM call.
   * @throws {KpbenchError} KPB_ERR_INTERNAL on a status other than OK (bad pointers).
   */
  decideRecords(flowsPtr: number, count: number, resultsPtr: number): void {
    this.#check(this.decideRaw(flowsPtr, count, resultsPtr), 'decide batch');
  }

  /** The entry point deciding `count` flows; returns a status code (0 = OK). */
  protected abstract decideRaw(flowsPtr: number, count: number, resultsPtr: number): number;
  /** The entry point forgetting all state; returns a status code. */
  protected abstract resetRaw(): number;

  #check(status: number, what: string): void {
    if (status !== 0) throw new KpbenchError('KPB_ERR_INTERNAL', `${this.label}: ${what} returned status ${status}`);
  }

  /** Decides flows in order, carrying state over from earlier calls. Each decision has its `extra` word. */
  decide(flows: readonly Flow[]): RawDecision[] {
    const arena = (this.#arena ??= allocateBatch(this.x, this.batchSize));
    return decideInBatches(this.x, arena, flows, (count) => this.decideRecords(arena.flowsPtr, count, arena.resultsPtr));
  }

  /** Writes `flows` into a new arena of their own (kept for the instance's lifetime). */
  loadBatch(flows: readonly Flow[]): FlowBatch {
    const batch = allocateBatch(this.x, flows.length);
    writeFlows(this.x, batch, flows, 0, flows.length);
    return batch;
  }

  /** Decides a loaded batch with one WASM call; state carries over as in `decide`. */
  runBatch(batch: FlowBatch): void {
    this.decideRecords(batch.flowsPtr, batch.count, batch.resultsPtr);
  }

  /** The results of the last `runBatch` of `batch`. */
  batchResults(batch: FlowBatch): RawDecision[] {
    const out: RawDecision[] = [];
    readResults(this.x, batch, batch.count, out);
    return out;
  }

  /** Forgets all dataplane state (affinity, cursors), keeping the loaded cluster. */
  reset(): void {
    this.#check(this.resetRaw(), 'reset');
  }
}
