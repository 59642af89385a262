// WASM scalar == WASM SIMD == reference on arbitrary rulesets and flow sequences: verdict,
// endpoint and rules evaluated of every flow, state (recent lists, nth counters) included.

import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IptablesReferenceEngine } from '../../src/engines/reference/iptables.js';
import { IptablesWasmEngine } from '../../src/engines/iptables-wasm.js';
import type { Flow } from '../../src/model/flow.js';
import { ip } from '../helpers/cluster.js';
import { flowsArb, rulesetArb } from '../helpers/iptables-arbitraries.js';
import type { Ruleset } from '../../src/iptables/ruleset.js';

function runAll(rs: Ruleset, flows: readonly Flow[], seed: number, split: number): void {
  const ref = new IptablesReferenceEngine(rs, { seed });
  // Scalar decides in small batches and over two decide() calls: state must carry across both.
  const scalar = new IptablesWasmEngine(rs, { build: 'scalar', seed, batchSize: 7 });
  const simd = new IptablesWasmEngine(rs, { build: 'simd', seed });
  const cut = Math.min(split, flows.length);
  const expected = ref.decide(flows);
  const gotScalar = [...scalar.decide(flows.slice(0, cut)), ...scalar.decide(flows.slice(cut))];
  const gotSimd = simd.decide(flows);
  expect(gotScalar).toEqual(expected);
  expect(gotSimd).toEqual(expected);
}

describe('iptables engines', () => {
  test.prop([rulesetArb, flowsArb(60), fc.integer({ min: 0, max: 0xffffffff }), fc.nat(60)], { numRuns: 300 })(
    'scalar, SIMD and reference agree on every flow',
    (rs, flows, seed, split) => runAll(rs, flows, seed, split),
  );

  // Many distinct sources through a ruleset of recent/nth/random rules: lists fill past capacity,
  // reap and evict, counters wrap.
  const statefulRuleset: fc.Arbitrary<Ruleset> = fc
    .tuple(fc.constantFrom(1, 2, 5, 10800), fc.boolean(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 0x80000000 }))
    .map(([seconds, reap, every, threshold]) => ({
      localAddresses: [],
      tables: [{
        name: 'nat' as const,
        chains: [
          {
            name: 'PREROUTING', policy: 'ACCEPT' as const, rules: [
              { src: null, dst: null, proto: null, matches: [{ kind: 'recent' as const, name: 'X', mode: 'rcheck' as const, seconds, reap }], target: { kind: 'DNAT' as const, ip: 1, port: 1, endpoint: 1 } },
              { src: null, dst: null, proto: null, matches: [{ kind: 'nth' as const, every, packet: 0, invert: false }], target: { kind: 'jump' as const, chain: 'SET' } },
              { src: null, dst: null, proto: null, matches: [{ kind: 'random' as const, probability: threshold / 2 ** 31, threshold, invert: false }], target: { kind: 'jump' as const, chain: 'SET' } },
            ],
          },
          {
            name: 'SET', policy: null, rules: [
              { src: null, dst: null, proto: null, matches: [{ kind: 'recent' as const, name: 'X', mode: 'set' as const, seconds: 0, reap: false }], target: { kind: 'DNAT' as const, ip: 2, port: 2, endpoint: 2 } },
            ],
          },
        ],
      }],
    }));
  const manySources = fc.array(
    fc.record({
      client: fc.integer({ min: 0, max: 180 }),
      // Mostly bursts shorter than --seconds, sometimes pauses past it: entries age while the
      // list is full, so reaping and eviction order both show in later rchecks.
      gap: fc.oneof(
        { weight: 30, arbitrary: fc.double({ min: 0, max: 0.05, noNaN: true }) },
        { weight: 1, arbitrary: fc.double({ min: 0, max: 8, noNaN: true }) },
      ),
    }),
    { minLength: 100, maxLength: 600 },
  ).map((raw) => {
    let t = 0;
    return raw.map((r, k): Flow => {
      t += r.gap;
      return { index: k, start: t, src: ip('10.250.0.0') + r.client, sport: 1000, dst: ip('10.96.0.1'), dport: 80, proto: 'tcp', duration: 1 };
    });
  });
  test.prop([statefulRuleset, manySources, fc.integer({ min: 0, max: 0xffffffff }), fc.nat(600)], { numRuns: 60 })(
    'agree on stateful sequences with more sources than a recent list holds',
    (rs, flows, seed, split) => runAll(rs, flows, seed, split),
  );
});
