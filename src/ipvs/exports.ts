// The IPVS part of the WASM export surface (wasm/assembly/ipvs/api.ts), as the raw instance
// exports present it: i32/u32 parameters are JS numbers, u32 results come back signed (use >>> 0),
// u64 parameters are BigInt, f64 counters are plain numbers.

/** IPVS exports of the kpbench WASM core. */
export interface IpvsExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  ipvsInit(services: number, dests: number, vsBits: number, conns: number, templates: number, tickBits: number,
    wheelBits: number, tcpFinTimeout: number, udpTimeout: number): number;
  ipvsAddService(vip: number, port: number, proto: number, sched: number, flags: number, timeout: number, destCap: number): number;
  ipvsAddDest(svc: number, endpoint: number, ip: number, port: number, weight: number, serving: number): number;
  ipvsSetWeight(svc: number, dest: number, weight: number): number;
  ipvsDecideBatch(flows: number, count: number, out: number): number;
  ipvsEstablishedBatch(flows: number, count: number, out: number): number;
  ipvsSetBenchMode(mode: number): void;
  /** Services from which a one-scheduler cluster blind to the counts decides batches in service order. */
  ipvsSetSortMinServices(services: number): void;
  ipvsCounterFlows(): bigint;
  ipvsCounterDnat(): bigint;
  ipvsCounterReject(): bigint;
  ipvsCounterNomatch(): bigint;
  ipvsCounterWork(): bigint;
  ipvsCounterPersistHits(): bigint;
  ipvsLiveConnections(): number;
  ipvsTemplates(): number;
  ipvsEventsFired(): number;
  ipvsConnLookups(): number;
  ipvsConnLookupSteps(): number;
  ipvsConnBytes(): number;
  ipvsVsProbes(): number;
  ipvsVsLookups(): number;
  ipvsDestActive(d: number): number;
  ipvsDestInactive(d: number): number;
  ipvsDestWeight(d: number): number;
  ipvsDestEndpoint(d: number): number;
  ipvsServiceDestFirst(s: number): number;
  ipvsServiceDestCount(s: number): number;
  ipvsSchedTableEntry(s: number, i: number): number;
  ipvsHash32(v: number, bits: number): number;
  ipvsMhHashkey(addr: number, port: number, which: number, offset: number): number;
  ipvsHsiphash(v: number, k0: bigint, k1: bigint): number;
}
