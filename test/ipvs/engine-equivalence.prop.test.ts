// Property: the WASM IPVS engine (scalar and SIMD builds) equals the reference engine — verdict,
// endpoint and work for every flow, and every destination's active and inactive counts after each
// batch of decide() (where the counts of schedulers that never read them may have lagged inside
// the batch, dispatch.ts) — for every scheduler, on arbitrary scenarios: weights 0–100,
// 1–64 destinations, TCP and UDP, affinity on and off, terminating and non-serving endpoints,
// flags, mixed per-service schedulers, arbitrary start times and durations.

import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IpvsWasmEngine } from '../../src/engines/ipvs-wasm.js';
import { IpvsReferenceEngine } from '../../src/engines/reference/ipvs.js';
import { protoNumber } from '../../src/ipvs/build.js';
import { SCHEDULER_NAMES, type Cluster, type Endpoint, type IpvsFlag, type SchedulerName, type Service } from '../../src/model/cluster.js';
import type { Flow } from '../../src/model/flow.js';

const endpointArb: fc.Arbitrary<Endpoint> = fc.record({
  ip: fc.integer({ min: 0x0af40000, max: 0x0af4ffff }),
  port: fc.constantFrom(80, 8080, 53),
  weight: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(0, 1, 1, 2)),
  ready: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  serving: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  terminating: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
});

const flagsArb: fc.Arbitrary<IpvsFlag[]> = fc.subarray(['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'] as IpvsFlag[]);

function serviceArb(i: number): fc.Arbitrary<Service> {
  return fc.record({
    endpoints: fc.array(endpointArb, { minLength: 1, maxLength: 64 }),
    protocol: fc.constantFrom('tcp' as const, 'tcp' as const, 'udp' as const),
    affinity: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
    ipvs: fc.option(fc.record({ scheduler: fc.constantFrom(...SCHEDULER_NAMES), flags: flagsArb }), { nil: null, freq: 3 }),
    nodePort: fc.option(fc.constant(30000 + i), { nil: null }),
  }).map((s) => ({
    name: `ns/svc-${i}`,
    clusterIP: 0x0a600000 + i,
    port: 80,
    protocol: s.protocol,
    nodePort: s.nodePort,
    affinityTimeout: s.affinity,
    ipvs: s.ipvs,
    endpoints: s.endpoints,
  }));
}

const scenarioArb = fc.integer({ min: 1, max: 3 }).chain((n) =>
  fc.tuple(...Array.from({ length: n }, (_, i) => serviceArb(i))).map((services): Cluster => ({ podCIDR: null, nodeIPs: [0xc000020a], services })));

interface FlowSpec { target: number; node: boolean; client: number; sport: number; gap: number; duration: number; protoFlip: boolean }
const flowSpecArb: fc.Arbitrary<FlowSpec> = fc.record({
  target: fc.integer({ min: 0, max: 3 }),
  node: fc.boolean(),
  client: fc.integer({ min: 0, max: 12 }),
  sport: fc.integer({ min: 1024, max: 1034 }),
  gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 0, max: 400, noNaN: true })),
  duration: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true })),
  protoFlip: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
});

function makeFlows(c: Cluster, specs: readonly FlowSpec[]): Flow[] {
  let t = 0;
  return specs.map((s, index) => {
    t += s.gap;
    const svc = c.services[s.target];
    const proto = svc === undefined ? 'tcp' : svc.protocol === 'udp' ? 'udp' : 'tcp';
    return {
      index,
      start: t,
      src: 0x0afa0000 + s.client * 97,
      sport: s.sport,
      dst: svc === undefined ? 0xcb007101 : s.node && svc.nodePort !== null ? 0xc000020a : svc.clusterIP,
      dport: svc === undefined ? 80 : s.node && svc.nodePort !== null ? svc.nodePort : svc.port,
      proto: s.protoFlip ? (proto === 'tcp' ? 'udp' : 'tcp') : proto,
      duration: s.duration,
    };
  });
}

const timeoutsArb = fc.record({
  tcpFinTimeout: fc.constantFrom(120, 5, 0.5),
  udpTimeout: fc.constantFrom(300, 3),
  wheel: fc.constantFrom({ tickBits: 6, slotBits: 12 }, { tickBits: 0, slotBits: 5 }, { tickBits: 10, slotBits: 16 }),
  batchSize: fc.constantFrom(7, 64),
});

describe.each(SCHEDULER_NAMES)('IpvsWasmEngine ≡ IpvsReferenceEngine, default scheduler %s', (scheduler: SchedulerName) => {
  test.prop([scenarioArb, fc.array(flowSpecArb, { minLength: 1, maxLength: 150 }), timeoutsArb], { numRuns: 40 })(
    'same verdict, endpoint and work for every flow and the same counts after each batch (scalar and SIMD)',
    (c, specs, o) => {
      const flows = makeFlows(c, specs);
      const ref = new IpvsReferenceEngine(c, { scheduler, tcpFinTimeout: o.tcpFinTimeout, udpTimeout: o.udpTimeout });
      const parts = [flows.slice(0, 40), flows.slice(40)];
      const wasm = (['scalar', 'simd'] as const).map((build) => new IpvsWasmEngine(c, {
        build, scheduler, tcpFinTimeout: o.tcpFinTimeout, udpTimeout: o.udpTimeout, wheel: o.wheel, batchSize: o.batchSize,
        connectionCapacity: 16,
      }));
      for (const part of parts) {
        const want = ref.decide(part);
        for (const w of wasm) {
          expect(w.decide(part)).toEqual(want);
          w.services.forEach((vs, i) => {
            expect(w.destinationCounts(i)).toEqual(ref.destinationCounts(protoNumber(vs), vs.vip, vs.port));
          });
        }
      }
    },
  );
});
