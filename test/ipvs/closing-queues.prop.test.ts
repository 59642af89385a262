// Property: connections leave the counts exactly when they are gone (dataplane.md 1.13–1.14, SPEC 3
// "Time" and "Order") — a TCP connection the FIN timeout after its active part ends, a UDP one the
// UDP timeout after its last packet, one to a non-serving endpoint SYN_RECV_TIMEOUT after it opens —
// whatever order their ends were fired in. The WASM engine keeps those connections in closing
// queues (wasm/assembly/ipvs/closing.ts) whose blocks may be unsorted when expiry catches up over
// many wheel slots at once (schedulers that never read the counts catch up once per batch); so the
// counts and the live total are compared with the reference engine after every chunk of flows,
// with timeouts short enough that connections open and go many times within a case.

import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IpvsWasmEngine } from '../../src/engines/ipvs-wasm.js';
import { IpvsReferenceEngine } from '../../src/engines/reference/ipvs.js';
import type { Flow } from '../../src/model/flow.js';
import { cluster, destCounts, ep, svc, TEST_WHEEL } from './helpers.js';

// gaps are a fraction of the case's `pace` (a few long jumps aside), so that some cases open many
// connections per timeout and expiry's catch-ups land inside the spans of earlier ones
const flowsArb = fc.array(fc.record({
  gap: fc.oneof({ weight: 12, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.double({ min: 0, max: 400, noNaN: true }) }),
  duration: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true })),
  client: fc.integer({ min: 0, max: 50 }),
}), { minLength: 1, maxLength: 1200, size: 'max' });

const caseArb = fc.record({
  scheduler: fc.constantFrom('rr' as const, 'lc' as const, 'mh' as const),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const),
  nonServing: fc.boolean(),
  tcpFinTimeout: fc.constantFrom(0.5, 2, 5),
  udpTimeout: fc.constantFrom(1, 3),
  batchSize: fc.constantFrom(1, 7, 64),
  // the default wheel's 1 s far slots hold many ends each, which fire out of order when expiry
  // catches up over them; the test wheel's 1/64 s slots exercise revolutions
  wheel: fc.constantFrom({ tickBits: 0, slotBits: 9 }, TEST_WHEEL),
  chunks: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 40, size: 'max' }),
  pace: fc.constantFrom(0.002, 0.01, 0.02, 0.05, 0.2, 2),
});

describe('IPVS closing queues', () => {
  test.prop([caseArb, flowsArb], { numRuns: 60, endOnFailure: true })(
    'counts and live connections equal the reference engine after every chunk of flows, whatever order ends fire in',
    (o, draws) => {
      const endpoints = [ep('10.244.0.1'), ep('10.244.0.2', { serving: !o.nonServing }), ep('10.244.0.3')];
      const c = cluster([svc(endpoints, { protocol: o.protocol, scheduler: o.scheduler, flags: o.scheduler === 'mh' ? ['mh-port'] : [] })]);
      const timeouts = { tcpFinTimeout: o.tcpFinTimeout, udpTimeout: o.udpTimeout };
      const ref = new IpvsReferenceEngine(c, timeouts);
      const wasm = new IpvsWasmEngine(c, { build: 'simd', ...timeouts, wheel: o.wheel, connectionCapacity: 16, batchSize: o.batchSize });
      let t = 0;
      const flows: Flow[] = draws.map((d, index) => {
        t += d.gap * o.pace;
        return {
          index, start: t, src: 0x0afa0000 + d.client, sport: 1024 + index, dst: c.services[0]!.clusterIP, dport: 80,
          proto: o.protocol, duration: d.duration * o.pace,
        };
      });
      let from = 0;
      for (let k = 0; from < flows.length; k++) {
        const part = flows.slice(from, from + o.chunks[k % o.chunks.length]!);
        from += part.length;
        expect(wasm.decide(part)).toEqual(ref.decide(part));
        expect(destCounts(wasm, c)).toEqual(destCounts(ref, c));
        expect(wasm.counters().liveConnections).toBe(ref.liveConnections);
      }
    },
  );
});
