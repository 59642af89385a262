// Table-driven vectors straight from dataplane.md 1.2–1.11 and SPEC 3, run against the reference
// engine and both WASM builds. Endpoint ids are scenario positions; the kernel list is reversed.

import { describe, expect, it } from 'vitest';
import type { SchedulerName } from '../../src/model/cluster.js';
import {
  bucketCounts, cluster, destCounts, ENGINE_KINDS, endpoints, ep, flow, ip, makeEngine, schedTable, svc,
} from './helpers.js';

const LONG = 1e6; // flows that stay active for the whole test

describe.each(ENGINE_KINDS)('IPVS schedulers (%s)', (kind) => {
  it('wrr built one destination at a time picks ABC, then AABABCABC repeating (list weights 4,3,2)', () => {
    const c = cluster([svc([ep('10.244.0.1', { weight: 2 }), ep('10.244.0.2', { weight: 3 }), ep('10.244.0.3', { weight: 4 })], { scheduler: 'wrr' })]);
    const e = makeEngine(kind, c);
    const got = endpoints(e.decide(Array.from({ length: 21 }, (_, i) => flow(i, '10.250.0.1', { sport: 1000 + i, duration: LONG }))));
    const letter = (id: number): string => ['C', 'B', 'A'][id]!; // A = list head = scenario's last
    expect(got.map(letter).join('')).toBe('ABC' + 'AABABCABC'.repeat(2));
  });

  it('wrr with weights 1,1,1 is plain round robin over the list', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')], { scheduler: 'wrr' })]);
    const got = endpoints(makeEngine(kind, c).decide(Array.from({ length: 6 }, (_, i) => flow(i, '10.250.0.1', { sport: 1000 + i }))));
    expect(got).toEqual([2, 1, 0, 2, 1, 0]);
  });

  it('rr starts at the list head (the last scenario endpoint) and skips weight 0', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2', { weight: 0 }), ep('10.244.0.3')])]);
    const ds = makeEngine(kind, c).decide(Array.from({ length: 4 }, (_, i) => flow(i, '10.250.0.1', { sport: 1000 + i })));
    expect(endpoints(ds)).toEqual([2, 0, 2, 0]);
    expect(ds.map((d) => d.work)).toEqual([1, 2, 1, 2]); // the walk visits the weight-0 destination
  });

  it('sh with weights 1,1,1 fills 86/85/85 buckets and with list weights 3,1,0 fills 154/51/51', () => {
    const c1 = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')], { scheduler: 'sh' })]);
    expect(bucketCounts(schedTable(makeEngine(kind, c1), c1), [2, 1, 0])).toEqual([86, 85, 85]);
    const c2 = cluster([svc([ep('10.244.0.1', { weight: 0 }), ep('10.244.0.2', { weight: 1 }), ep('10.244.0.3', { weight: 3 })], { scheduler: 'sh' })]);
    const t = schedTable(makeEngine(kind, c2), c2);
    expect(bucketCounts(t, [2, 1, 0])).toEqual([154, 51, 51]);
    expect(t.slice(0, 10)).toEqual([2, 2, 2, 1, 0, 2, 2, 2, 1, 0]);
  });

  it('dh fills buckets round robin and sends every client of a VIP to one backend (hash_32(10.96.0.10, 8) = 242)', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')], { scheduler: 'dh' })]);
    const e = makeEngine(kind, c);
    expect(bucketCounts(schedTable(e, c), [2, 1, 0])).toEqual([86, 85, 85]);
    const got = endpoints(e.decide(Array.from({ length: 5 }, (_, i) => flow(i, ip('10.250.0.1') + i))));
    // bucket 242 → list position 242 mod 3 = 2 → scenario endpoint 0
    expect(got).toEqual([0, 0, 0, 0, 0]);
  });

  it('sh maps clients to buckets hash_32(addr, 8): 10.250.0.1 → 73, .2 → 170, .3 → 12', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')], { scheduler: 'sh' })]);
    const got = endpoints(makeEngine(kind, c).decide(['10.250.0.1', '10.250.0.2', '10.250.0.3'].map((s, i) => flow(i, s))));
    // list positions 73 mod 3 = 1, 170 mod 3 = 2, 12 mod 3 = 0 → scenario endpoints 1, 0, 2
    expect(got).toEqual([1, 0, 2]);
  });

  it('mh gives 1365/1364/1364 slots to three equal destinations and maps pinned clients', () => {
    const c = cluster([svc([ep('10.244.1.10'), ep('10.244.1.11'), ep('10.244.1.12')], { scheduler: 'mh' })]);
    const e = makeEngine(kind, c);
    expect(bucketCounts(schedTable(e, c), [2, 1, 0])).toEqual([1365, 1364, 1364]);
    const got = endpoints(e.decide([flow(0, '10.250.0.1'), flow(1, '10.250.0.2')]));
    // slots 1458 (list position 2) and 200 (list position 1)
    expect(got).toEqual([0, 1]);
  });

  it('mh-port hashes client address + port: 10.250.0.1:40000 → slot 2323 (list position 1)', () => {
    const c = cluster([svc([ep('10.244.1.10'), ep('10.244.1.11'), ep('10.244.1.12')], { scheduler: 'mh', flags: ['mh-port'] })]);
    expect(endpoints(makeEngine(kind, c).decide([flow(0, '10.250.0.1', { sport: 40000 })]))).toEqual([1]);
  });

  it.each<SchedulerName>(['lc', 'wlc', 'sed', 'nq'])('%s breaks ties towards the earliest in list order (the last scenario endpoint)', (s) => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')], { scheduler: s })]);
    const ds = makeEngine(kind, c).decide([flow(0, '10.250.0.1', { duration: LONG }), flow(1, '10.250.0.1', { sport: 2, duration: LONG })]);
    expect(endpoints(ds)).toEqual([2, 1]);
  });

  it('nq takes the first idle destination where sed would not (list weights 10, 1)', () => {
    const eps = [ep('10.244.0.1', { weight: 1 }), ep('10.244.0.2', { weight: 10 })];
    const fl = () => [flow(0, '10.250.0.1', { duration: LONG }), flow(1, '10.250.0.1', { sport: 2, duration: LONG })];
    expect(endpoints(makeEngine(kind, cluster([svc(eps, { scheduler: 'nq' })])).decide(fl()))).toEqual([1, 0]);
    expect(endpoints(makeEngine(kind, cluster([svc(eps, { scheduler: 'sed' })])).decide(fl()))).toEqual([1, 1]);
  });

  it('lc weighs an active connection as 256 inactive ones', () => {
    // one UDP-like inactive load is simulated with closed TCP flows: 2 closed on A, 1 active on B
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')], { scheduler: 'lc' })]);
    const e = makeEngine(kind, c);
    const ds = e.decide([
      flow(0, '10.250.0.1', { sport: 1, duration: 0.5 }), // A (list head = endpoint 1)
      flow(0.1, '10.250.0.1', { sport: 2, duration: LONG }), // B: active
      flow(1, '10.250.0.1', { sport: 3, duration: 0.5 }), // A has 1 inactive vs B 256 → A
      flow(2, '10.250.0.1', { sport: 4 }),
    ]);
    expect(endpoints(ds)).toEqual([1, 0, 1, 1]);
  });

  it('UDP connections never count as active', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')], { protocol: 'udp', scheduler: 'rr' })]);
    const e = makeEngine(kind, c);
    e.decide(Array.from({ length: 6 }, (_, i) => flow(i, '10.250.0.1', { sport: i, proto: 'udp', duration: 100 })));
    expect(destCounts(e, c).map((d) => [d.active, d.inactive])).toEqual([[0, 3], [0, 3]]);
  });

  it('sed on UDP always picks the highest-weight earliest destination; nq the first available', () => {
    const eps = [ep('10.244.0.1', { weight: 5 }), ep('10.244.0.2', { weight: 1 }), ep('10.244.0.3', { weight: 5 })];
    const fl = () => Array.from({ length: 4 }, (_, i) => flow(i, '10.250.0.1', { sport: i, proto: 'udp', duration: 100 }));
    expect(endpoints(makeEngine(kind, cluster([svc(eps, { protocol: 'udp', scheduler: 'sed' })])).decide(fl()))).toEqual([2, 2, 2, 2]);
    expect(endpoints(makeEngine(kind, cluster([svc(eps, { protocol: 'udp', scheduler: 'nq' })])).decide(fl()))).toEqual([2, 2, 2, 2]);
  });

  it('TCP connections are active for their duration, then inactive for tcpFinTimeout, then gone', () => {
    const c = cluster([svc([ep('10.244.0.1')])]);
    const e = makeEngine(kind, c, { tcpFinTimeout: 10 });
    e.decide([flow(0, '10.250.0.1', { sport: 1, duration: 5 })]);
    e.decide([flow(4.9, '10.250.0.1', { sport: 2, duration: 0 })]);
    // flow 2 ends at 4.9 already, but state changes are applied before the next flow, not after this one
    expect(destCounts(e, c).map((d) => [d.active, d.inactive])).toEqual([[2, 0]]);
    e.decide([flow(5, '10.250.0.1', { sport: 3, duration: 100 })]);
    expect(destCounts(e, c).map((d) => [d.active, d.inactive])).toEqual([[1, 2]]);
    e.decide([flow(14.9, '10.250.0.1', { sport: 4, duration: 100 })]); // flow 2 gone at 14.9, flow 1 at 15
    expect(destCounts(e, c).map((d) => [d.active, d.inactive])).toEqual([[2, 1]]);
    e.decide([flow(15, '10.250.0.1', { sport: 5, duration: 100 })]);
    expect(destCounts(e, c).map((d) => [d.active, d.inactive])).toEqual([[3, 0]]);
  });

  it('a TCP connection to a non-serving endpoint stays inactive for 60 s', () => {
    const c = cluster([svc([ep('10.244.0.1', { serving: false })])]);
    const e = makeEngine(kind, c);
    e.decide([flow(0, '10.250.0.1', { duration: 5 })]);
    expect(destCounts(e, c).map((d) => [d.active, d.inactive])).toEqual([[0, 1]]);
    e.decide([flow(59.99, '10.250.0.1', { sport: 2, proto: 'udp', dport: 9 })]); // no service: just time
    expect(destCounts(e, c).map((d) => d.inactive)).toEqual([1]);
    e.decide([flow(60, '10.250.0.1', { sport: 3, proto: 'udp', dport: 9 })]);
    expect(destCounts(e, c).map((d) => d.inactive)).toEqual([0]);
  });

  it.each<SchedulerName>(['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'dh', 'sh', 'mh'])('%s never sends a new connection to a weight-0 destination', (s) => {
    const c = cluster([svc([ep('10.244.0.1', { weight: 0 }), ep('10.244.0.2', { weight: 2 }), ep('10.244.0.3', { terminating: true }), ep('10.244.0.4')], { scheduler: s, flags: s === 'sh' ? ['sh-fallback'] : s === 'mh' ? ['mh-fallback'] : [] })]);
    const ds = makeEngine(kind, c).decide(Array.from({ length: 200 }, (_, i) => flow(i * 0.01, ip('10.250.0.0') + i * 7, { sport: 1000 + i })));
    for (const d of ds) {
      expect(d.verdict).toBe('dnat');
      expect([1, 3]).toContain(d.endpoint);
    }
  });

  it('sh without fallback rejects clients hashed to a terminating endpoint; sh-fallback reschedules them', () => {
    const eps = [ep('10.244.0.1'), ep('10.244.0.2', { terminating: true }), ep('10.244.0.3')];
    const fl = () => ['10.250.0.1', '10.250.0.2', '10.250.0.3'].map((s, i) => flow(i, s));
    // the terminating endpoint (scenario 1) is list position 1: bucket 73 (10.250.0.1)
    const plain = makeEngine(kind, cluster([svc(eps, { scheduler: 'sh' })])).decide(fl());
    expect(plain.map((d) => d.verdict)).toEqual(['reject', 'dnat', 'dnat']);
    const fb = makeEngine(kind, cluster([svc(eps, { scheduler: 'sh', flags: ['sh-fallback'] })])).decide(fl());
    expect(fb.map((d) => d.verdict)).toEqual(['dnat', 'dnat', 'dnat']);
    // first probe is bucket (2·73) mod 256 = 146 → list position 146 mod 3 = 2 → endpoint 0
    expect(fb[0]).toEqual({ verdict: 'dnat', endpoint: 0, work: 2 });
  });

  it('a client pinned by persistence keeps its destination until the template lapses', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2'), ep('10.244.0.3')], { affinity: 10 })]);
    const e = makeEngine(kind, c, { tcpFinTimeout: 2 });
    const ds = e.decide([
      flow(0, '10.250.0.1', { sport: 1 }), // A → list head (2)
      flow(1, '10.250.0.2', { sport: 1 }), // B → 1
      flow(2, '10.250.0.1', { sport: 2 }), // A pinned (work 0), lastUse 2; its connections are gone by 5
      flow(11.99, '10.250.0.4', { sport: 1 }), // D → 0
      flow(11.995, '10.250.0.5', { sport: 1 }), // E → 2
      flow(11.999, '10.250.0.1', { sport: 3 }), // A still pinned (11.999 < 2 + 10), lastUse 11.999
      flow(22, '10.250.0.1', { sport: 4 }), // lapsed (22 ≥ 21.999, connections gone): rescheduled → 1
    ]);
    expect(endpoints(ds)).toEqual([2, 1, 2, 0, 2, 2, 1]);
    expect(ds.map((d) => d.work)).toEqual([1, 1, 0, 1, 1, 0, 1]);
  });

  it('a template stays while a connection it controls is alive, beyond its timeout', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')], { affinity: 10 })]);
    const e = makeEngine(kind, c);
    const ds = e.decide([
      flow(0, '10.250.0.1', { sport: 1, duration: 100 }),
      flow(1, '10.250.0.2', { sport: 1 }),
      flow(50, '10.250.0.1', { sport: 2 }),
    ]);
    expect(endpoints(ds)).toEqual([1, 0, 1]);
    expect(ds[2]!.work).toBe(0);
  });

  it('flows to addresses without a virtual service are nomatch with no work; NodePorts are separate virtual services', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')], { nodePort: 30080 })], ['192.0.2.10']);
    const ds = makeEngine(kind, c).decide([
      flow(0, '10.250.0.1', { dport: 81 }),
      flow(1, '10.250.0.1'),
      flow(2, '10.250.0.1', { dst: ip('192.0.2.10'), dport: 30080 }),
      flow(3, '10.250.0.1', { sport: 5 }),
    ]);
    expect(ds).toEqual([
      { verdict: 'nomatch', endpoint: -1, work: 0 },
      { verdict: 'dnat', endpoint: 1, work: 1 },
      { verdict: 'dnat', endpoint: 1, work: 1 }, // its own rr cursor
      { verdict: 'dnat', endpoint: 0, work: 1 },
    ]);
  });

  it('a service without usable destinations rejects', () => {
    const c = cluster([svc([ep('10.244.0.1', { weight: 0 }), ep('10.244.0.2', { ready: false })])]);
    expect(makeEngine(kind, c).decide([flow(0, '10.250.0.1')])).toEqual([{ verdict: 'reject', endpoint: -1, work: 1 }]);
  });
});
