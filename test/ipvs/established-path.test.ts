// The established-packet path: one connection-table lookup per packet, finding the endpoint of a
// live connection by its client tuple, nothing once the connection is gone.

import { describe, expect, it } from 'vitest';
import { IpvsWasmEngine } from '../../src/engines/ipvs-wasm.js';
import { cluster, ep, flow, svc, TEST_WHEEL } from './helpers.js';

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

  it('finds every live connection after the index grew from its smallest size, across wheel revolutions', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')])]);
    const e = new IpvsWasmEngine(c, { build, tcpFinTimeout: 100, wheel: TEST_WHEEL, connectionCapacity: 16, batchSize: 256 });
    // 5,000 flows over 50 s, each living 100…140 s: all alive at the end, the index doubled many times
    const flows = Array.from({ length: 5000 }, (_, i) => flow(i * 0.01, 0x0afa0000 + (i % 777), { sport: 1024 + i, duration: (i % 41) }));
    const decided = e.decide(flows).map((d) => d.endpoint);
    expect(e.established(flows)).toEqual(decided);
    expect(e.counters().liveConnections).toBe(5000);
    e.decide([flow(125, '10.250.0.9')]); // flows with start + duration + 100 ≤ 125 are gone
    const later = e.established(flows);
    flows.forEach((f, i) => expect(later[i]).toBe(f.start + f.duration + 100 <= 125 ? -1 : decided[i]));
  });

  it('with port reuse finds the latest-expiring live connection of the tuple, then the other one', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')])]);
    const e = new IpvsWasmEngine(c, { build, tcpFinTimeout: 10, wheel: TEST_WHEEL, connectionCapacity: 16 });
    const long = flow(0, '10.250.0.1', { sport: 5000, duration: 50 }); // gone at 60
    const short = flow(1, '10.250.0.1', { sport: 5000, duration: 1 }); // same tuple, gone at 12
    const [a, b] = e.decide([long, short]).map((d) => d.endpoint);
    expect(a).not.toBe(b); // rr: the two connections went to different endpoints
    expect(e.established([short])).toEqual([a]);
    e.decide([flow(20, '10.250.0.2')]);
    expect(e.established([short])).toEqual([a]);
    e.decide([flow(60, '10.250.0.2')]);
    expect(e.established([short])).toEqual([-1]);
  });
});

