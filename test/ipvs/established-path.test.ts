// The established-packet path: one connection-table lookup per packet, finding the endpoint of a
// live connection by its client tuple, nothing once the connection is gone. With port reuse the
// newest live connection of the tuple answers, as the kernel's chains (new entries at the bucket
// head) do (dataplane.md 1.15).

import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IpvsWasmEngine } from '../../src/engines/ipvs-wasm.js';
import type { Flow } from '../../src/model/flow.js';
import { cluster, ep, flow, svc, TEST_WHEEL } from './helpers.js';

/** What an established lookup must answer, kept the obvious way: every connection ever opened, searched newest first. */
class ConnectionModel {
  readonly #conns: Array<{ key: string; gone: number; endpoint: number }> = [];
  constructor(readonly tcpFin: number, readonly udpTimeout: number) {}
  static key(f: Flow): string {
    return `${f.proto}|${f.src}|${f.sport}|${f.dst}|${f.dport}`;
  }
  /** Records the connection of a flow decided to `endpoint` (every endpoint serves: SPEC 3). */
  open(f: Flow, endpoint: number): void {
    const gone = f.start + f.duration + (f.proto === 'udp' ? this.udpTimeout : this.tcpFin);
    if (endpoint >= 0) this.#conns.push({ key: ConnectionModel.key(f), gone, endpoint });
  }
  lookup(f: Flow, now: number): number {
    const key = ConnectionModel.key(f);
    for (let i = this.#conns.length - 1; i >= 0; i--) {
      const c = this.#conns[i]!;
      if (c.key === key && c.gone > now) return c.endpoint;
    }
    return -1;
  }
}

const reuseFlowsArb = fc.array(fc.record({
  gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true })),
  client: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 40 })),
  sport: fc.integer({ min: 1000, max: 1003 }),
  udp: fc.boolean(),
  duration: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 30, noNaN: true })),
}), { minLength: 1, maxLength: 300, size: 'max' });

describe.each(['scalar', 'simd'] as const)('IpvsWasmEngine.established() (%s)', (build) => {
  it('finds live connections by tuple and forgets them when they are gone', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')])]);
    const e = new IpvsWasmEngine(c, { build, tcpFinTimeout: 10, wheel: TEST_WHEEL, connectionCapacity: 16 });
    const flows = Array.from({ length: 200 }, (_, i) => flow(i * 0.01, '10.250.0.1', { sport: 2000 + i, duration: i < 100 ? 1 : 100 }));
    const decided = e.decide(flows).map((d) => d.endpoint);
    expect(e.established(flows)).toEqual(decided);
    expect(e.established([flow(0, '10.250.0.1', { sport: 9 })])).toEqual([-1]);
    e.decide([flow(15, '10.250.0.9')]); // flows 0…99 gone by 1.99 + 1 + 10 < 15
    const later = e.established(flows);
    expect(later.slice(0, 100)).toEqual(new Array(100).fill(-1));
    expect(later.slice(100)).toEqual(decided.slice(100));
    expect(e.counters().liveConnections).toBe(101);
  });

  it('finds every live connection across many index generations and wheel revolutions', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')])]);
    const e = new IpvsWasmEngine(c, { build, tcpFinTimeout: 100, wheel: TEST_WHEEL, connectionCapacity: 16, batchSize: 256 });
    // 5,000 flows over 50 s, each living 100…140 s: all alive at the end, in 157 generations of 32
    const flows = Array.from({ length: 5000 }, (_, i) => flow(i * 0.01, 0x0afa0000 + (i % 777), { sport: 1024 + i, duration: (i % 41) }));
    const decided = e.decide(flows).map((d) => d.endpoint);
    expect(e.established(flows)).toEqual(decided);
    expect(e.counters().liveConnections).toBe(5000);
    e.decide([flow(125, '10.250.0.9')]); // flows with start + duration + 100 ≤ 125 are gone
    const later = e.established(flows);
    flows.forEach((f, i) => expect(later[i]).toBe(f.start + f.duration + 100 <= 125 ? -1 : decided[i]));
  });

  it('with port reuse finds the newest live connection of the tuple, then the older one', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')])]);
    const e = new IpvsWasmEngine(c, { build, tcpFinTimeout: 10, wheel: TEST_WHEEL, connectionCapacity: 16 });
    const long = flow(0, '10.250.0.1', { sport: 5000, duration: 50 }); // gone at 60
    const short = flow(1, '10.250.0.1', { sport: 5000, duration: 1 }); // same tuple, gone at 12
    const [a, b] = e.decide([long, short]).map((d) => d.endpoint);
    expect(a).not.toBe(b); // rr: the two connections went to different endpoints
    expect(e.established([short])).toEqual([b]);
    e.decide([flow(20, '10.250.0.2')]); // the newer one is gone at 12
    expect(e.established([short])).toEqual([a]);
    e.decide([flow(30, '10.250.0.2')]);
    expect(e.established([short])).toEqual([a]);
    e.decide([flow(60, '10.250.0.2')]);
    expect(e.established([short])).toEqual([-1]);
  });

  it('keeps a generation of the index while any of its connections lives, to the last instant', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')])]);
    const e = new IpvsWasmEngine(c, { build, tcpFinTimeout: 10, wheel: TEST_WHEEL, connectionCapacity: 16 });
    const long = flow(0, '10.250.0.1', { sport: 7000, duration: 50 }); // gone at 60
    const [a] = e.decide([long]).map((d) => d.endpoint);
    // 100 short connections fill its generation (32 at this capacity) and three more; gone by 13
    e.decide(Array.from({ length: 100 }, (_, i) => flow(1 + i * 0.01, '10.250.0.2', { sport: 8000 + i, duration: 1 })));
    e.decide([flow(59.999, '10.250.0.3')]);
    expect(e.established([long])).toEqual([a]);
    e.decide([flow(60, '10.250.0.3', { sport: 9 })]);
    expect(e.established([long])).toEqual([-1]);
  });

  test.prop([reuseFlowsArb, fc.integer({ min: 1, max: 40 })], { numRuns: 60, endOnFailure: true })(
    'answers like a plain list of connections searched newest first, across index generations and chunked decisions',
    (draws, chunk) => {
      const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')])]);
      // a capacity hint of 16 makes generations of 32 connections: hundreds of flows span many
      const e = new IpvsWasmEngine(c, { build, tcpFinTimeout: 10, udpTimeout: 15, wheel: TEST_WHEEL, connectionCapacity: 16 });
      const model = new ConnectionModel(10, 15);
      let t = 0;
      const flows = draws.map((d) => {
        t += d.gap;
        return flow(t, 0x0afa0000 + d.client, { sport: d.sport, proto: d.udp ? 'udp' : 'tcp', duration: d.duration });
      });
      for (let from = 0; from < flows.length; from += chunk) {
        const part = flows.slice(from, from + chunk);
        e.decide(part).forEach((d, k) => model.open(part[k]!, d.endpoint));
        const now = part[part.length - 1]!.start;
        expect(e.established(flows)).toEqual(flows.map((f) => model.lookup(f, now)));
      }
    },
  );
});