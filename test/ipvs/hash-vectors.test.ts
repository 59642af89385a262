// Derived vectors for the IPVS hashes (dataplane.md 1.9, 1.11), computed from the rules with an
// independent script and pinned; checked in TypeScript and in both WASM builds.

import { describe, expect, it } from 'vitest';
import { refHash32, refHsiphash, refMhHashkey, sipHash, MH_KEY1, MH_KEY2 } from '../../src/engines/reference/ipvs.js';
import { SCHEDULER_IDS } from '../../src/ipvs/schedulers.js';
import { instantiate } from '../../src/wasm/loader.js';
import { ip } from './helpers.js';

const HASH32: Array<[string, number, number]> = [
  // address, hash_32(a, 8), hash_32(a, 32)
  ['0.0.0.0', 0, 0],
  ['0.0.0.1', 97, 1640531527],
  ['10.96.0.10', 242, 4067770054],
  ['10.250.0.1', 73, 1226737223],
  ['192.0.2.10', 162, 2732707014],
  ['255.255.255.255', 158, 2654435769],
];

const HSIPHASH: Array<[number, number, number]> = [
  // value, hsiphash with key {2654435761, …}, with key {2654446892, …}
  [0, 492468162, 4169286463],
  [1, 384591538, 2182130385],
  [0xdeadbeef, 4127575327, 937261950],
];

const MH_DESTS: Array<[string, number, number, number]> = [
  // destination, port, offset = hashkey1 mod 4093, skip = hashkey2 mod 4092 + 1
  ['10.244.1.12', 8080, 2436, 1685],
  ['10.244.1.11', 8080, 2219, 4061],
  ['10.244.1.10', 8080, 1687, 3112],
];

describe('IPVS hashes (TypeScript reference)', () => {
  it('SipHash-c-d reproduces the published SipHash-2-4 vectors', () => {
    const k0 = 0x0706050403020100n;
    const k1 = 0x0f0e0d0c0b0a0908n;
    expect(sipHash(2, 4, k0, k1, new Uint8Array(0))).toBe(0x726fdb47dd0e0e31n);
    expect(sipHash(2, 4, k0, k1, Uint8Array.from({ length: 15 }, (_, i) => i))).toBe(0xa129ca6149be45e5n);
  });
  it.each(HASH32)('hash_32(%s)', (a, h8, h32) => {
    expect(refHash32(ip(a), 8)).toBe(h8);
    expect(refHash32(ip(a), 32)).toBe(h32);
  });
  it.each(HSIPHASH)('hsiphash(%i)', (v, h1, h2) => {
    expect(refHsiphash(v, MH_KEY1, MH_KEY1)).toBe(h1);
    expect(refHsiphash(v, MH_KEY2, MH_KEY2)).toBe(h2);
  });
  it.each(MH_DESTS)('mh permutation of %s:%i', (a, port, offset, skip) => {
    expect(refMhHashkey(ip(a), port, MH_KEY1, 0) % 4093).toBe(offset);
    expect((refMhHashkey(ip(a), port, MH_KEY2, 0) % 4092) + 1).toBe(skip);
  });
});

describe.each(['scalar', 'simd'] as const)('IPVS hashes (WASM %s)', (build) => {
  const x = instantiate(build);
  it.each(HASH32)('hash_32(%s)', (a, h8, h32) => {
    expect(x.ipvsHash32(ip(a), 8) >>> 0).toBe(h8);
    expect(x.ipvsHash32(ip(a), 32) >>> 0).toBe(h32);
  });
  it.each(HSIPHASH)('hsiphash(%i)', (v, h1, h2) => {
    expect(x.ipvsHsiphash(v, MH_KEY1, MH_KEY1) >>> 0).toBe(h1);
    expect(x.ipvsHsiphash(v, MH_KEY2, MH_KEY2) >>> 0).toBe(h2);
  });
  it.each(MH_DESTS)('mh permutation of %s:%i', (a, port, offset, skip) => {
    expect((x.ipvsMhHashkey(ip(a), port, 1, 0) >>> 0) % 4093).toBe(offset);
    expect(((x.ipvsMhHashkey(ip(a), port, 2, 0) >>> 0) % 4092) + 1).toBe(skip);
  });
});

describe('scheduler registry', () => {
  it('host ids match the WASM ids (wasm/assembly/ipvs/scheduler.ts)', () => {
    // SCHED_RR … SCHED_MH = 0 … 8, in SCHEDULER_NAMES order
    expect(Object.entries(SCHEDULER_IDS)).toEqual([['rr', 0], ['wrr', 1], ['lc', 2], ['wlc', 3], ['sed', 4], ['nq', 5], ['dh', 6], ['sh', 7], ['mh', 8]]);
  });
});
