// Table-driven cases for each traversal and match rule of the iptables engines (dataplane.md 2.5,
// 2.6, 2.8). Every case runs the reference, the scalar and the SIMD engine against one expectation.

import { describe, expect, it } from 'vitest';
import { drawRandom, RandomDomain, streamKey } from '../../src/gen/counter-random.js';
import { IptablesReferenceEngine } from '../../src/engines/reference/iptables.js';
import { IptablesWasmEngine } from '../../src/engines/iptables-wasm.js';
import type { DecisionEngine } from '../../src/engines/engine.js';
import { LAYOUT_CONSTANT_IDS } from '../../src/iptables/pack-layout.js';
import type { Chain, Match, Rule, Ruleset, Target } from '../../src/iptables/ruleset.js';
import type { Decision, Flow, Verdict } from '../../src/model/flow.js';
import { instantiate } from '../../src/wasm/loader.js';
import { ip } from '../helpers/cluster.js';

const SEED = 7;
const CLIENT = ip('10.250.0.1');
const SVC = ip('10.96.0.10');
const NODE = ip('192.0.2.10');

function rule(target: Target, o: { dst?: string; src?: string; proto?: Rule['proto']; matches?: Match[] } = {}): Rule {
  const addr = (t: string | undefined): Rule['dst'] => {
    if (t === undefined) return null;
    const invert = t.startsWith('!');
    const [net, len] = t.replace('!', '').split('/');
    return { net: ip(net!), prefix: len === undefined ? 32 : Number(len), invert };
  };
  return { src: addr(o.src), dst: addr(o.dst), proto: o.proto ?? null, matches: o.matches ?? [], target };
}
const jump = (chain: string): Target => ({ kind: 'jump', chain });
const goto = (chain: string): Target => ({ kind: 'goto', chain });
const dnat = (endpoint: number, to = '10.244.0.1'): Target => ({ kind: 'DNAT', ip: ip(to), port: 8080, endpoint });
const RETURN: Target = { kind: 'RETURN' };
const DROP: Target = { kind: 'DROP' };
const ACCEPT: Target = { kind: 'ACCEPT' };
const NONE: Target = { kind: 'none' };
const user = (name: string, rules: Rule[]): Chain => ({ name, policy: null, rules });

function natOnly(prerouting: Rule[], users: Chain[] = [], policy: 'ACCEPT' | 'DROP' = 'ACCEPT'): Ruleset {
  return { localAddresses: [NODE], tables: [{ name: 'nat', chains: [{ name: 'PREROUTING', policy, rules: prerouting }, ...users] }] };
}

let nextIndex = 0;
function flow(start: number, o: Partial<Omit<Flow, 'start'>> = {}): Flow {
  return { index: o.index ?? nextIndex++, start, src: o.src ?? CLIENT, sport: o.sport ?? 40000, dst: o.dst ?? SVC, dport: o.dport ?? 80, proto: o.proto ?? 'tcp', duration: 1 };
}

type Expect = readonly [Verdict, number, number]; // verdict, endpoint, rules evaluated

interface Case {
  readonly name: string;
  readonly ruleset: Ruleset;
  /** Flows, decided in one or more decide() calls (state carries over). */
  readonly calls: readonly (readonly Flow[])[];
  readonly expected: readonly Expect[];
}

function engines(rs: Ruleset): DecisionEngine[] {
  return [
    new IptablesReferenceEngine(rs, { seed: SEED }),
    new IptablesWasmEngine(rs, { build: 'scalar', seed: SEED }),
    new IptablesWasmEngine(rs, { build: 'simd', seed: SEED, batchSize: 3 }),
  ];
}

function check(c: Case): void {
  for (const e of engines(c.ruleset)) {
    const got: Decision[] = c.calls.flatMap((flows) => e.decide(flows));
    const want = c.expected.map(([verdict, endpoint, work]) => ({ verdict, endpoint, work }));
    expect(got, `${c.name} [${e.label}]`).toEqual(want);
  }
}

// Traversal: jump pushes, goto does not, RETURN pops or falls to the policy; implicit end rules count.
const A_THEN_B = natOnly([rule(jump('A')), rule(dnat(9))], [user('A', [rule(goto('B')), rule(dnat(1))]), user('B', [rule(RETURN)])]);
const A_JUMP_B = natOnly([rule(jump('A')), rule(dnat(9))], [user('A', [rule(jump('B')), rule(dnat(1))]), user('B', [rule(RETURN)])]);

/** Chains C0…C(n−1), each jumping to the next; the last DNATs. PREROUTING jumps to C0. */
function deepChain(n: number): Ruleset {
  const users = Array.from({ length: n }, (_, i) => user(`C${i}`, [rule(i === n - 1 ? dnat(5) : jump(`C${i + 1}`))]));
  return natOnly([rule(jump('C0'))], users);
}

/** Probe flows (dst PROBE): listed → ep 3, else ep 4. Others: rcheck (T, reap) → ep 1, else set → ep 2. */
function affinity(seconds: number, reap: boolean): Ruleset {
  return natOnly([
    rule(dnat(3), { dst: '10.96.0.99', matches: [{ kind: 'recent', name: 'S', mode: 'rcheck', seconds: 0, reap: false }] }),
    rule(dnat(4), { dst: '10.96.0.99' }),
    rule(dnat(1), { matches: [{ kind: 'recent', name: 'S', mode: 'rcheck', seconds, reap }] }),
    rule(dnat(2), { matches: [{ kind: 'recent', name: 'S', mode: 'set', seconds: 0, reap: false }] }),
  ]);
}
const PROBE = ip('10.96.0.99');

function nth(every: number, packet: number, invert: boolean): Ruleset {
  return natOnly([rule(dnat(1), { matches: [{ kind: 'nth', every, packet, invert }] })]);
}

const key = streamKey(SEED, RandomDomain.DECISION);
const low31 = (index: number, draw: number): number => drawRandom(key, index, draw) & 0x7fffffff;
function random(threshold: number, invert = false): Match {
  return { kind: 'random', probability: threshold / 2 ** 31, threshold, invert };
}

const CASES: Case[] = [
  {
    name: 'goto does not push: RETURN in B resumes after the jump to A',
    ruleset: A_THEN_B,
    calls: [[flow(0)]],
    expected: [['dnat', 9, 4]],
  },
  {
    name: 'jump pushes: RETURN in B resumes in A',
    ruleset: A_JUMP_B,
    calls: [[flow(0)]],
    expected: [['dnat', 1, 4]],
  },
  {
    name: 'RETURN with an empty stack (reached by goto) goes to the policy rule',
    ruleset: natOnly([rule(goto('B')), rule(dnat(9))], [user('B', [rule(RETURN)])], 'DROP'),
    calls: [[flow(0)]],
    expected: [['reject', -1, 3]],
  },
  {
    name: 'end of a user chain is an implicit RETURN rule; end of PREROUTING its policy rule',
    ruleset: natOnly([rule(jump('A'))], [user('A', [])]),
    calls: [[flow(0)]],
    expected: [['nomatch', -1, 3]],
  },
  {
    name: 'policy DROP of an empty built-in chain',
    ruleset: natOnly([], [], 'DROP'),
    calls: [[flow(0)]],
    expected: [['reject', -1, 1]],
  },
  {
    name: 'explicit RETURN in the built-in chain goes to its policy',
    ruleset: natOnly([rule(RETURN), rule(dnat(1))]),
    calls: [[flow(0)]],
    expected: [['nomatch', -1, 2]],
  },
  {
    name: '64 nested jumps fit the stack',
    ruleset: deepChain(64),
    calls: [[flow(0)]],
    expected: [['dnat', 5, 65]],
  },
  {
    name: 'the 65th nested jump overflows the stack: DROP',
    ruleset: deepChain(65),
    calls: [[flow(0)]],
    expected: [['reject', -1, 65]],
  },
  {
    name: 'first match: a failing -d test costs one rule; MARK and target-less rules continue',
    ruleset: natOnly([
      rule(dnat(1), { dst: '10.96.0.11' }),
      rule(NONE),
      rule({ kind: 'MARK', op: 'or', value: 0x4000 }),
      rule(dnat(2), { matches: [{ kind: 'mark', value: 0x4000, mask: 0x4000, invert: true }] }),
      rule({ kind: 'MARK', op: 'xor', value: 0x4001 }),
      rule(dnat(3), { matches: [{ kind: 'mark', value: 1, mask: 0xffff, invert: false }] }),
    ]),
    calls: [[flow(0)]],
    expected: [['dnat', 3, 6]],
  },
  {
    name: 'prefix masks (unmasked net), inversions, ports and protocols',
    ruleset: natOnly([
      rule(dnat(1), { dst: '10.96.0.77/24', proto: 'udp' }),
      rule(dnat(2), { dst: '!10.96.0.0/16' }),
      rule(dnat(3), { src: '10.250.0.0/16', matches: [{ kind: 'comment', text: 'x' }, { kind: 'proto', proto: 'tcp', dport: { lo: 80, hi: 80, invert: true }, sport: null }] }),
      rule(dnat(4), { dst: '10.96.0.77/24', matches: [{ kind: 'proto', proto: 'tcp', dport: { lo: 70, hi: 90, invert: false }, sport: { lo: 40000, hi: 40000, invert: false } }] }),
    ]),
    calls: [[flow(0), flow(1, { proto: 'udp' }), flow(2, { dst: ip('10.97.0.1') }), flow(3, { dport: 81 }), flow(4, { sport: 1 })]],
    expected: [['dnat', 4, 4], ['dnat', 1, 1], ['dnat', 2, 2], ['dnat', 3, 3], ['nomatch', -1, 5]],
  },
  (() => {
    // A flow whose draw 1 is below its draw 0: rule 2 then matches only if rule 1 drew first.
    let i = 0;
    while (low31(i, 0) <= low31(i, 1) + 1) i++;
    return {
      name: 'a proto match after a side-effecting match is not folded: the draw happens first',
      ruleset: natOnly([
        rule(NONE, { matches: [random(0x80000000), { kind: 'proto', proto: 'udp', dport: null, sport: null }] }),
        rule(dnat(1), { matches: [random(low31(i, 1) + 1)] }),
      ]),
      calls: [[flow(0, { index: i })]],
      expected: [['dnat', 1, 2]],
    } satisfies Case;
  })(),
  {
    name: 'addrtype LOCAL: node addresses and 127.0.0.0/8',
    ruleset: natOnly([
      rule(dnat(1), { matches: [{ kind: 'addrtype', dir: 'dst', invert: false }] }),
      rule(dnat(2), { matches: [{ kind: 'addrtype', dir: 'src', invert: true }] }),
    ]),
    calls: [[flow(0, { dst: NODE }), flow(1, { dst: ip('127.3.4.5') }), flow(2), flow(3, { src: ip('127.0.0.1') })]],
    expected: [['dnat', 1, 1], ['dnat', 1, 1], ['dnat', 2, 2], ['nomatch', -1, 3]],
  },
  {
    name: 'filter after nat: DNAT to a local address walks INPUT, else FORWARD; ctstate DNAT; DROP there rejects',
    ruleset: {
      localAddresses: [NODE],
      tables: [
        {
          name: 'filter',
          chains: [
            { name: 'INPUT', policy: 'ACCEPT', rules: [rule(DROP, { matches: [{ kind: 'conntrack', states: ['DNAT'], invert: false }] })] },
            {
              name: 'FORWARD', policy: 'DROP', rules: [
                rule(ACCEPT, { matches: [{ kind: 'conntrack', states: ['ESTABLISHED', 'DNAT'], invert: false }] }),
                rule(ACCEPT, { matches: [{ kind: 'conntrack', states: ['NEW'], invert: true }] }),
              ],
            },
          ],
        },
        { name: 'nat', chains: [{ name: 'PREROUTING', policy: 'ACCEPT', rules: [rule(dnat(1, '192.0.2.10'), { dst: '10.96.0.1' }), rule(dnat(2), { dst: '10.96.0.2' })] }] },
      ],
    },
    calls: [[flow(0, { dst: ip('10.96.0.1') }), flow(1, { dst: ip('10.96.0.2') }), flow(2, { dst: ip('10.96.0.3') }), flow(3, { dst: NODE })]],
    expected: [['reject', -1, 2], ['dnat', 2, 3], ['reject', -1, 6], ['nomatch', -1, 5]],
  },
  {
    name: 'no tables at all: nomatch after no rules',
    ruleset: { localAddresses: [], tables: [] },
    calls: [[flow(0)]],
    expected: [['nomatch', -1, 0]],
  },
  {
    name: 'nth --every 3 --packet 0 matches packets 0, 3, 6 across decide calls',
    ruleset: nth(3, 0, false),
    calls: [[flow(0), flow(0), flow(0), flow(0)], [flow(0), flow(0), flow(0)]],
    expected: [['dnat', 1, 1], ['nomatch', -1, 2], ['nomatch', -1, 2], ['dnat', 1, 1], ['nomatch', -1, 2], ['nomatch', -1, 2], ['dnat', 1, 1]],
  },
  {
    name: 'nth --every 3 --packet 1, inverted: misses packets 1 and 4',
    ruleset: nth(3, 1, true),
    calls: [[flow(0), flow(0), flow(0), flow(0), flow(0)]],
    expected: [['dnat', 1, 1], ['nomatch', -1, 2], ['dnat', 1, 1], ['dnat', 1, 1], ['nomatch', -1, 2]],
  },
  (() => {
    // Threshold edge: (r & 0x7fffffff) < threshold matches at threshold = v + 1, not at v.
    const v = low31(11, 0);
    const w = low31(11, 1); // the second random match of the flow uses draw 1
    return {
      name: 'statistic: r & 0x7fffffff == threshold − 1 matches, == threshold does not; draws count per flow',
      ruleset: natOnly([
        rule(dnat(1), { matches: [random(v)] }),
        rule(dnat(2), { matches: [random(w + 1)] }),
      ]),
      calls: [[flow(0, { index: 11 })]],
      expected: [['dnat', 2, 2]],
    } satisfies Case;
  })(),
  (() => {
    const v = low31(12, 0);
    const w = low31(12, 1);
    return {
      name: 'statistic: inverted random match at the edge',
      ruleset: natOnly([rule(dnat(1), { matches: [random(v + 1, true)] }), rule(dnat(2), { matches: [random(w, true)] })]),
      calls: [[flow(0, { index: 12 })]],
      expected: [['dnat', 2, 2]],
    } satisfies Case;
  })(),
  (() => {
    // 101 clients set in turn: the 101st evicts the first (LRU), whose next flow misses and
    // re-enters, evicting the second; the third is still there and hits.
    const clients = Array.from({ length: 101 }, (_, i) => ip('10.250.1.0') + i);
    const first = clients.map((src, i) => flow(i * 0.01, { src }));
    return {
      name: 'recent: capacity 100 with LRU eviction at 101 clients',
      ruleset: affinity(10800, false),
      calls: [first, [flow(2, { src: clients[0]! }), flow(2.1, { src: clients[2]! }), flow(2.2, { src: clients[1]! })]],
      expected: [...clients.map((): Expect => ['dnat', 2, 4]), ['dnat', 2, 4], ['dnat', 1, 3], ['dnat', 2, 4]],
    } satisfies Case;
  })(),
  (() => {
    const A = ip('10.250.2.1');
    const B = ip('10.250.2.2');
    const C = ip('10.250.2.3');
    return {
      name: 'recent: rcheck does not refresh; --reap removes a stale LRU head once the checked entry was found',
      ruleset: affinity(10, true),
      calls: [[
        flow(0, { src: A }), // set A (ts 0)
        flow(5, { src: B }), // set B (ts 5)
        flow(9, { src: A }), // A hit (0 ≥ −1); head A is not stale: kept; not refreshed
        flow(10.5, { src: C }), // C not found: no reap; set C
        flow(10.6, { src: A, dst: PROBE }), // A still listed (stale): probe sees it
        flow(12, { src: B }), // B hit (5 ≥ 2); head A (0 < 2) reaped
        flow(12.5, { src: A, dst: PROBE }), // A gone
        flow(30, { src: B }), // B found but stale: miss; head B (5 < 20) reaped; set B again
        flow(30.2, { src: C, dst: PROBE }), // one reap per evaluation: stale C is still listed
      ]],
      expected: [
        ['dnat', 2, 4], ['dnat', 2, 4], ['dnat', 1, 3], ['dnat', 2, 4], ['dnat', 3, 1],
        ['dnat', 1, 3], ['dnat', 4, 2], ['dnat', 2, 4], ['dnat', 3, 1],
      ],
    } satisfies Case;
  })(),
  (() => {
    const A = ip('10.250.3.1');
    const B = ip('10.250.3.2');
    return {
      name: 'recent: --reap spares a head with ts == now − T and removes it once older',
      ruleset: affinity(10, true),
      calls: [[
        flow(0, { src: A }), flow(5, { src: B }),
        flow(10, { src: B }), flow(10, { src: A, dst: PROBE }),
        flow(10.5, { src: B }), flow(10.5, { src: A, dst: PROBE }),
      ]],
      expected: [['dnat', 2, 4], ['dnat', 2, 4], ['dnat', 1, 3], ['dnat', 3, 1], ['dnat', 1, 3], ['dnat', 4, 2]],
    } satisfies Case;
  })(),
  {
    name: 'recent: timeout boundary ts == now − T still matches',
    ruleset: affinity(10, false),
    calls: [[flow(0), flow(10), flow(20.5)]],
    expected: [['dnat', 2, 4], ['dnat', 1, 3], ['dnat', 2, 4]],
  },
];

describe('iptables engines: semantic rules', () => {
  for (const c of CASES) it(c.name, () => check(c));

  it('host and WASM agree on the packed layout constants (both builds)', () => {
    for (const build of ['scalar', 'simd'] as const) {
      const x = instantiate(build);
      for (const [id, value] of LAYOUT_CONSTANT_IDS) expect(x.iptablesLayoutConstant(id), `${build} id ${id}`).toBe(value);
    }
  });

  it('runLoadedBatch() decides a loaded batch repeatedly and returns its rules evaluated', () => {
    const e = new IptablesWasmEngine(A_JUMP_B, { build: 'simd', seed: SEED });
    e.loadBatch([flow(0), flow(1)]);
    expect(e.runLoadedBatch()).toBe(8);
    expect(e.runLoadedBatch()).toBe(8);
  });
});
