// iptables mode on the WASM core: packs the ruleset once into the instance, then decides flows in
// batches with one JS→WASM call each (flows and results as the shared Flow/Result records).

import type { Decision, Flow } from '../model/flow.js';
import { packRuleset } from '../iptables/pack.js';
import { IMAGE_ALIGN } from '../iptables/pack-layout.js';
import type { Ruleset } from '../iptables/ruleset.js';
import type { IptablesExports, KpbenchExports } from '../wasm/exports.js';
import { instantiate, type WasmBuild } from '../wasm/loader.js';
import { allocateBatch, decideInBatches, DEFAULT_BATCH, plainDecisions, writeFlows, type FlowBatch } from './flow-batch.js';
import type { BatchEngine, DecisionEngine } from './engine.js';

/** Options of {@link IptablesWasmEngine}. */
export interface IptablesWasmOptions {
  readonly build: WasmBuild;
  /** Run seed: keys the `statistic --mode random` draws (SPEC 3). */
  readonly seed: number;
  /** Flows per WASM call in decide(). @default 4096 */
  readonly batchSize?: number;
  /** The compiled core of `build`, when the caller has it (e.g. a worker got it from the main thread). */
  readonly module?: WebAssembly.Module;
}

function alignUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/** iptables engine running in WebAssembly (scalar or SIMD build), state kept across calls. */
export class IptablesWasmEngine implements DecisionEngine, BatchEngine {
  readonly label: string;
  readonly batchSize: number;
  readonly #x: KpbenchExports & IptablesExports;
  readonly #batch: FlowBatch;
  #bench: FlowBatch | null = null;

  /**
   * Packs `ruleset` into a fresh instance of `options.build`; `ruleset` may also be an image
   * packRuleset() already made (the runner packs once per case and shares it with every worker).
   * @throws {KpbenchError} KPB_ERR_INPUT when the ruleset cannot be packed (see packRuleset).
   * @throws {Error} when the WASM core rejects the image.
   */
  constructor(ruleset: Ruleset | Uint8Array, options: IptablesWasmOptions) {
    this.label = `iptables/wasm-${options.build}`;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.#x = instantiate(options.build, options.module);
    const bytes = ruleset instanceof Uint8Array ? ruleset : packRuleset(ruleset).bytes;
    // Rule records are cache lines only if the image starts on one.
    const image = alignUp(this.#x.alloc(bytes.byteLength + IMAGE_ALIGN), IMAGE_ALIGN);
    new Uint8Array(this.#x.memory.buffer, image, bytes.byteLength).set(bytes);
    const status = this.#x.iptablesLoad(image, options.seed >>> 0);
    if (status !== 0) throw new Error(`kpbench: the WASM iptables engine rejected the packed ruleset (status ${status})`);
    this.#batch = allocateBatch(this.#x, this.batchSize);
  }

  /** The instance this engine lives in (BatchEngine). */
  get exports(): KpbenchExports {
    return this.#x;
  }

  /**
   * Decides `count` Flow records at `flowsPtr` into Result records at `resultsPtr`, in one call
   * (BatchEngine); iptablesBatchRules() on the exports then gives the rules evaluated.
   * @throws {Error} when the core reports a failure status.
   */
  decideRecords(flowsPtr: number, count: number, resultsPtr: number): void {
    const done = this.#x.iptablesDecideBatch(flowsPtr, count, resultsPtr);
    if (done !== count) throw new Error(`kpbench: iptablesDecideBatch failed (status ${done})`);
  }

  /** Decides `flows` in order (non-decreasing `start` across calls). */
  decide(flows: readonly Flow[]): Decision[] {
    const batch = this.#batch;
    return plainDecisions(decideInBatches(this.#x, batch, flows, (count) => this.decideRecords(batch.flowsPtr, count, batch.resultsPtr)));
  }

  /** Benchmark API: writes `flows` into WASM memory once, for runLoadedBatch() to decide repeatedly. */
  loadBatch(flows: readonly Flow[]): void {
    if (this.#bench === null || this.#bench.capacity < flows.length) this.#bench = allocateBatch(this.#x, flows.length);
    writeFlows(this.#x, this.#bench, flows, 0, flows.length);
  }

  /**
   * Benchmark API: decides the flows of the last loadBatch() in one WASM call, continuing from the
   * current state, and returns the rules evaluated by all of them.
   */
  runLoadedBatch(): number {
    if (this.#bench === null) throw new Error('kpbench: runLoadedBatch() needs loadBatch() first');
    this.decideRecords(this.#bench.flowsPtr, this.#bench.count, this.#bench.resultsPtr);
    return this.#x.iptablesBatchRules();
  }
}
