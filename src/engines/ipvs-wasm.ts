// IPVS engine over the WASM core: compiles the cluster into virtual services and destination
// lists in WASM memory (one instance per engine), then decides flows in batches — one JS→WASM
// call per batch of Flow records. A low-level surface (packed flow buffer, new-flow and
// established-packet batches, counters, timing variants) serves the micro-benchmark.

import { KpbenchError } from '../errors.js';
import { buildVirtualServices, protoNumber, type VirtualService } from '../ipvs/build.js';
import type { Cluster, SchedulerName } from '../model/cluster.js';
import type { Decision, Flow } from '../model/flow.js';
import { instantiate, type WasmBuild } from '../wasm/loader.js';
import { FLOW_START, FLOW_STRIDE } from '../wasm/layout.js';
import type { IpvsExports, KpbenchExports } from '../wasm/exports.js';
import type { BatchEngine, DecisionEngine } from './engine.js';
import { allocateBatch, decideInBatches, DEFAULT_BATCH, plainDecisions, writeFlows, type FlowBatch } from './flow-batch.js';

/** Options of the WASM IPVS engine. */
export interface IpvsWasmOptions {
  /** Which compiled core runs. */
  readonly build: WasmBuild;
  /** The compiled core of `build`, when the caller has it (workers receive it once). */
  readonly module?: WebAssembly.Module;
  /** Scheduler of services without their own `ipvs.scheduler` (kube-proxy `--ipvs-scheduler`). @default 'rr' */
  readonly scheduler?: SchedulerName;
  /** Seconds a closed TCP connection stays inactive (`--ipvs-tcpfin-timeout`). @default 120 */
  readonly tcpFinTimeout?: number;
  /** Seconds a UDP connection lives after its last packet (`--ipvs-udp-timeout`). @default 300 */
  readonly udpTimeout?: number;
  /** Flows per JS→WASM call. @default 4096 */
  readonly batchSize?: number;
  /**
   * Live connections expected (about rate × (mean duration + FIN timeout)): sizes the event pool at
   * load and picks the index's generation size (up to 2^17 slots); the pool grows and the index
   * adds generations between batches beyond it. @default 65536
   */
  readonly connectionCapacity?: number;
  /**
   * Expiry wheel: 2^slotBits far slots of 2^-tickBits seconds, each spread over 64 near slots when
   * time reaches it. The defaults (1 s far slots, 1/64 s near slots, 512 s per revolution) keep the
   * lists being appended to few (a timeout ahead and a duration ahead), a near slot near 600
   * events at 20,000 flows/s, and a revolution longer than a UDP timeout of 300 s.
   * @default { tickBits: 0, slotBits: 9 }
   */
  readonly wheel?: { readonly tickBits: number; readonly slotBits: number };
}

/** Exact counters of a WASM IPVS engine. */
export interface IpvsCounters {
  readonly flows: number;
  readonly dnat: number;
  readonly reject: number;
  readonly nomatch: number;
  /** Sum of per-flow work (destinations scanned). */
  readonly work: number;
  readonly persistenceHits: number;
  /** Virtual-service table: lookups and slots probed in all. */
  readonly serviceLookups: number;
  readonly serviceProbes: number;
  readonly liveConnections: number;
  readonly templates: number;
  readonly eventsFired: number;
  /** Established-path lookups and index slots examined. */
  readonly connectionLookups: number;
  readonly connectionLookupSteps: number;
  /** Bytes held by the connection index and the expiry events. */
  readonly connectionBytes: number;
}

/**
 * Timing variants of the new-flow path (benchmarks only): NO_CONNECTIONS and NO_SCHEDULER make
 * decisions wrong, NO_INDEX leaves the established path blind, NO_TOUCH inserts into the index
 * without touching slots ahead. Bits combine.
 */
export const IpvsBenchMode = { FULL: 0, NO_CONNECTIONS: 1, NO_SCHEDULER: 2, LOOKUP_ONLY: 3, NO_INDEX: 4, NO_TOUCH: 8 } as const;

function ceilLog2(n: number): number {
  let b = 0;
  while (2 ** b < n) b++;
  return b;
}

/** kube-proxy's IPVS mode in WASM (dataplane.md section 1). */
export class IpvsWasmEngine implements DecisionEngine, BatchEngine {
  readonly label: string;
  /** The virtual services, in build order: the `s` every method here takes is a position in it. */
  readonly services: readonly VirtualService[];
  /** Records the flow buffer holds. */
  readonly batchCapacity: number;
  readonly #x: IpvsExports & KpbenchExports;
  /** The WASM service index (its virtual-service table slot) of each of `services`. */
  readonly #slots: readonly number[];
  readonly #batch: FlowBatch;
  #now = -Infinity;

  /**
   * @throws {InputError} as buildVirtualServices (unknown scheduler or flag, weight, mh size).
   * @throws {KpbenchError} KPB_ERR_INTERNAL when the core refuses the build.
   */
  constructor(cluster: Cluster, options: IpvsWasmOptions) {
    const scheduler = options.scheduler ?? 'rr';
    this.label = `ipvs:${scheduler}/wasm-${options.build}`;
    this.services = buildVirtualServices(cluster, { scheduler });
    this.batchCapacity = options.batchSize ?? DEFAULT_BATCH;
    this.#x = instantiate(options.build, options.module);
    const x = this.#x;
    const dests = this.services.reduce((a, vs) => a + vs.destinations.length, 0);
    const wheel = options.wheel ?? { tickBits: 0, slotBits: 9 };
    const status = x.ipvsInit(this.services.length, dests, Math.max(4, ceilLog2(2 * this.services.length)),
      options.connectionCapacity ?? 65536, 1024, wheel.tickBits, wheel.slotBits,
      options.tcpFinTimeout ?? 120, options.udpTimeout ?? 300);
    if (status !== 0) throw new KpbenchError('KPB_ERR_INTERNAL', `ipvsInit failed with status ${status}`);
    this.#slots = this.services.map((vs) => {
      const s = x.ipvsAddService(vs.vip, vs.port, protoNumber(vs), vs.schedulerId, vs.flagBits, vs.persistence ?? -1, vs.destinations.length);
      if (s < 0) throw new KpbenchError('KPB_ERR_INTERNAL', `ipvsAddService(${vs.name}) returned ${s}`);
      const ids = vs.destinations.map((d) => x.ipvsAddDest(s, d.endpoint, d.ip, d.port, d.weight, d.serving ? 1 : 0));
      const refused = ids.findIndex((id) => id < 0);
      if (refused >= 0) throw new KpbenchError('KPB_ERR_INTERNAL', `ipvsAddDest(${vs.name}, destination ${refused}) returned ${ids[refused]}`);
      // graceful termination: added with their weight, then quiesced (SPEC 2.1)
      vs.destinations.forEach((d, k) => {
        if (d.terminating) x.ipvsSetWeight(s, ids[k]!, 0);
      });
      return s;
    });
    this.#batch = allocateBatch(x, this.batchCapacity);
  }

  /** The raw exports (tests, benchmarks, the batch runner). */
  get exports(): IpvsExports & KpbenchExports {
    return this.#x;
  }

  /** Decides `count` Flow records at `flowsPtr` into Result records at `resultsPtr`: one JS→WASM call. */
  decideRecords(flowsPtr: number, count: number, resultsPtr: number): void {
    this.#checked('ipvsDecideBatch', this.#x.ipvsDecideBatch(flowsPtr, count, resultsPtr), count);
  }

  /** A batch entry point returns the flows it did, or a negative status: anything else is a bug. */
  #checked(what: string, done: number, count: number): void {
    if (done !== count) throw new KpbenchError('KPB_ERR_INTERNAL', `${this.label}: ${what} returned ${done} for ${count} flows`);
  }

  /** @throws {KpbenchError} KPB_ERR_INPUT, before deciding any, when a flow starts before the one ahead of it. */
  decide(flows: readonly Flow[]): Decision[] {
    let now = this.#now;
    for (const f of flows) {
      if (!(f.start >= now)) {
        throw new KpbenchError('KPB_ERR_INPUT', `flow ${f.index}: start ${f.start} is before ${now}; flows must come in start order`);
      }
      now = f.start;
    }
    this.#now = now;
    return plainDecisions(decideInBatches(this.#x, this.#batch, flows, (count) => this.decideWritten(count)));
  }

  /** Endpoint id of each flow's established connection, or -1 (one table lookup per flow). */
  established(flows: readonly Flow[]): number[] {
    return decideInBatches(this.#x, this.#batch, flows, (count) => this.establishedWritten(count))
      .map((d) => (d.verdict === 'dnat' ? d.endpoint : -1));
  }

  /** Writes flows into the WASM flow buffer (positions 0 … count-1). */
  writeFlows(flows: readonly Flow[], first = 0, count = flows.length - first): void {
    writeFlows(this.#x, this.#batch, flows, first, count);
  }

  /** Copies already packed Flow records into the flow buffer. */
  writeFlowBytes(bytes: Uint8Array): void {
    if (bytes.length > this.batchCapacity * FLOW_STRIDE) throw new RangeError('packed flows exceed the flow buffer');
    new Uint8Array(this.#x.memory.buffer, this.#batch.flowsPtr, bytes.length).set(bytes);
  }

  /** Adds `seconds` to the start of the first `count` buffered flows (benchmarks replaying a trace). */
  shiftWrittenStarts(count: number, seconds: number): void {
    const v = new DataView(this.#x.memory.buffer);
    for (let k = 0; k < count; k++) {
      const p = this.#batch.flowsPtr + k * FLOW_STRIDE + FLOW_START;
      v.setFloat64(p, v.getFloat64(p, true) + seconds, true);
    }
  }

  /** Decides the first `count` buffered flows as new flows: one JS→WASM call. */
  decideWritten(count: number): void {
    this.decideRecords(this.#batch.flowsPtr, count, this.#batch.resultsPtr);
  }

  /** Looks the first `count` buffered flows up as established packets: one JS→WASM call. */
  establishedWritten(count: number): void {
    this.#checked('ipvsEstablishedBatch', this.#x.ipvsEstablishedBatch(this.#batch.flowsPtr, count, this.#batch.resultsPtr), count);
  }

  /** Selects a timing variant (IpvsBenchMode). */
  setBenchMode(mode: number): void {
    this.#x.ipvsSetBenchMode(mode);
  }

  /** The WASM service index of virtual service `s` (a position in `services`). */
  #slot(s: number): number {
    const slot = this.#slots[s];
    if (slot === undefined) throw new RangeError(`${this.label}: no virtual service ${s}`);
    return slot;
  }

  /** Global destination index of list position `pos` of virtual service `s`. */
  destinationIndex(s: number, pos: number): number {
    return this.#x.ipvsServiceDestFirst(this.#slot(s)) + pos;
  }

  /** Active/inactive/weight/endpoint of every destination of virtual service `s`, in list order. */
  destinationCounts(s: number): Array<{ endpoint: number; active: number; inactive: number; weight: number }> {
    const x = this.#x;
    const slot = this.#slot(s);
    const first = x.ipvsServiceDestFirst(slot);
    return Array.from({ length: x.ipvsServiceDestCount(slot) }, (_, i) => ({
      endpoint: x.ipvsDestEndpoint(first + i),
      active: x.ipvsDestActive(first + i),
      inactive: x.ipvsDestInactive(first + i),
      weight: x.ipvsDestWeight(first + i),
    }));
  }

  /** The dh/sh/mh lookup table of virtual service `s` as endpoint ids (-1 = empty bucket). */
  schedulerTable(s: number): number[] {
    const x = this.#x;
    const size = this.services[s]?.scheduler === 'mh' ? 4093 : 256;
    const slot = this.#slot(s);
    return Array.from({ length: size }, (_, i) => {
      const d = x.ipvsSchedTableEntry(slot, i);
      return d < 0 ? -1 : x.ipvsDestEndpoint(d);
    });
  }

  /** Exact counters since the engine was built. */
  counters(): IpvsCounters {
    const x = this.#x;
    return {
      flows: Number(x.ipvsCounterFlows()),
      dnat: Number(x.ipvsCounterDnat()),
      reject: Number(x.ipvsCounterReject()),
      nomatch: Number(x.ipvsCounterNomatch()),
      work: Number(x.ipvsCounterWork()),
      persistenceHits: Number(x.ipvsCounterPersistHits()),
      serviceLookups: x.ipvsVsLookups(),
      serviceProbes: x.ipvsVsProbes(),
      liveConnections: x.ipvsLiveConnections(),
      templates: x.ipvsTemplates(),
      eventsFired: x.ipvsEventsFired(),
      connectionLookups: x.ipvsConnLookups(),
      connectionLookupSteps: x.ipvsConnLookupSteps(),
      connectionBytes: x.ipvsConnBytes(),
    };
  }
}
