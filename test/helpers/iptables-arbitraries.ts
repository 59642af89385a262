// fast-check arbitraries for iptables engine tests: rulesets with random chain DAGs (jump/goto
// only to later user chains, so no loops), every match and target kind, and flows sorted by start.
// Addresses and ports come from small pools so that rules actually match.

import { fc } from '@fast-check/vitest';
import type { Flow } from '../../src/model/flow.js';
import type {
  AddressMatch,
  Chain,
  CtState,
  Match,
  PortRange,
  Rule,
  Ruleset,
  Table,
  TableName,
  Target,
} from '../../src/iptables/ruleset.js';
import { ip } from './cluster.js';

const ADDRESSES: readonly number[] = [
  ip('10.0.0.1'), ip('10.0.0.2'), ip('10.0.0.3'), ip('10.0.1.5'), ip('10.1.0.9'),
  ip('127.0.0.1'), ip('192.0.2.10'), ip('192.0.2.11'), ip('0.0.0.0'),
];
const LOCALS: readonly number[] = [ip('192.0.2.10'), ip('10.0.0.3')];
const PORTS: readonly number[] = [0, 53, 80, 443, 8080, 65535];
const PROTOS = ['tcp', 'udp', 'sctp'] as const;
const CT_STATES: readonly CtState[] = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'DNAT'];
const RECENT_NAMES = ['A', 'B', 'C'] as const;

const address: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...ADDRESSES),
  fc.integer({ min: 0, max: 15 }).map((k) => ip('10.0.0.0') + k),
);

const addressMatch: fc.Arbitrary<AddressMatch> = fc.record({
  // Nets need not be masked: both engines must mask them, as iptables does on parsing.
  net: address,
  prefix: fc.constantFrom(0, 8, 16, 24, 28, 30, 31, 32),
  invert: fc.boolean(),
});

const port: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));

const portRange: fc.Arbitrary<PortRange> = fc
  .tuple(port, fc.integer({ min: 0, max: 3000 }), fc.boolean())
  .map(([lo, span, invert]) => ({ lo, hi: Math.min(65535, lo + (span < 1500 ? 0 : span)), invert }));

const match: fc.Arbitrary<Match> = fc.oneof(
  fc.constant<Match>({ kind: 'comment', text: 'c' }),
  fc.record({
    kind: fc.constant('proto' as const),
    proto: fc.constantFrom(...PROTOS),
    dport: fc.option(portRange, { nil: null }),
    sport: fc.option(portRange, { nil: null }),
  }),
  fc.record({
    kind: fc.constant('mark' as const),
    value: fc.constantFrom(0, 0x4000, 0x4001, 1, 0xffffffff),
    mask: fc.constantFrom(0x4000, 0xffffffff, 1, 0),
    invert: fc.boolean(),
  }),
  fc.tuple(fc.constantFrom(0, 1, 0x40000000, 0x80000000, 715827883), fc.integer({ min: 0, max: 0x80000000 }), fc.boolean(), fc.boolean())
    .map(([fixed, any, useFixed, invert]): Match => {
      const threshold = useFixed ? fixed : any;
      return { kind: 'random', probability: threshold / 2 ** 31, threshold, invert };
    }),
  fc.integer({ min: 1, max: 4 }).chain((every) =>
    fc.record({
      kind: fc.constant('nth' as const),
      every: fc.constant(every),
      packet: fc.integer({ min: 0, max: every - 1 }),
      invert: fc.boolean(),
    }),
  ),
  fc.record({
    kind: fc.constant('recent' as const),
    name: fc.constantFrom(...RECENT_NAMES),
    mode: fc.constantFrom('rcheck' as const, 'set' as const),
    seconds: fc.constantFrom(0, 1, 3, 10, 10800),
    reap: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('addrtype' as const), dir: fc.constantFrom('src' as const, 'dst' as const), invert: fc.boolean() }),
  fc.record({
    kind: fc.constant('conntrack' as const),
    states: fc.subarray([...CT_STATES], { minLength: 1 }),
    invert: fc.boolean(),
  }),
);

/** A target before chain references are resolved: `to` picks among the chains it may call. */
type RawTarget = Target | { readonly kind: 'call'; readonly goto: boolean; readonly to: number };

const rawTarget: fc.Arbitrary<RawTarget> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('call' as const), goto: fc.boolean(), to: fc.nat(100) }) },
  { weight: 1, arbitrary: fc.constant<RawTarget>({ kind: 'RETURN' }) },
  { weight: 1, arbitrary: fc.constant<RawTarget>({ kind: 'ACCEPT' }) },
  { weight: 1, arbitrary: fc.constant<RawTarget>({ kind: 'DROP' }) },
  { weight: 1, arbitrary: fc.constant<RawTarget>({ kind: 'REJECT' }) },
  { weight: 1, arbitrary: fc.constant<RawTarget>({ kind: 'MASQUERADE', randomFully: true }) },
  { weight: 2, arbitrary: fc.constant<RawTarget>({ kind: 'none' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('MARK' as const),
      op: fc.constantFrom('or' as const, 'xor' as const),
      value: fc.constantFrom(0x4000, 1, 0x4001),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('DNAT' as const),
      ip: address,
      port: fc.constantFrom(80, 8080, 443),
      endpoint: fc.nat(50),
    }),
  },
);

interface RawRule {
  readonly src: AddressMatch | null;
  readonly dst: AddressMatch | null;
  readonly proto: Rule['proto'];
  readonly matches: readonly Match[];
  readonly target: RawTarget;
}

const rawRule: fc.Arbitrary<RawRule> = fc.record({
  src: fc.option(addressMatch, { nil: null, freq: 2 }),
  dst: fc.option(addressMatch, { nil: null, freq: 2 }),
  proto: fc.option(fc.constantFrom(...PROTOS), { nil: null, freq: 2 }),
  matches: fc.array(match, { maxLength: 3, size: 'medium' }),
  target: rawTarget,
});

const policy = fc.constantFrom<'ACCEPT' | 'DROP' | null>('ACCEPT', 'ACCEPT', 'DROP', null);

/** Resolves `call` targets: built-ins may call any user chain, user chain i only chains j > i. */
function resolve(raw: RawRule, callable: readonly string[]): Rule {
  const t = raw.target;
  let target: Target;
  if (t.kind !== 'call') target = t;
  else if (callable.length === 0) target = { kind: 'none' };
  else target = { kind: t.goto ? 'goto' : 'jump', chain: callable[t.to % callable.length]! };
  return { src: raw.src, dst: raw.dst, proto: raw.proto, matches: raw.matches, target };
}

function table(name: TableName, builtins: readonly string[]): fc.Arbitrary<Table> {
  return fc
    .record({
      builtins: fc.array(fc.tuple(policy, fc.array(rawRule, { maxLength: 6, size: 'medium' })), {
        minLength: builtins.length,
        maxLength: builtins.length,
      }),
      users: fc.array(fc.array(rawRule, { maxLength: 6, size: 'medium' }), { maxLength: 6, size: 'medium' }),
    })
    .map(({ builtins: b, users }) => {
      const userNames = users.map((_, i) => `${name.toUpperCase()}-U${i}`);
      const chains: Chain[] = builtins.map((chainName, i) => ({
        name: chainName,
        policy: b[i]![0],
        rules: b[i]![1].map((r) => resolve(r, userNames)),
      }));
      users.forEach((rules, i) =>
        chains.push({ name: userNames[i]!, policy: null, rules: rules.map((r) => resolve(r, userNames.slice(i + 1))) }),
      );
      return { name, chains };
    });
}

/** Arbitrary rulesets: nat (PREROUTING) and filter (INPUT, FORWARD), either possibly missing. */
export const rulesetArb: fc.Arbitrary<Ruleset> = fc
  .record({
    nat: fc.option(table('nat', ['PREROUTING']), { nil: null, freq: 6 }),
    filter: fc.option(table('filter', ['INPUT', 'FORWARD']), { nil: null, freq: 4 }),
  })
  .map(({ nat, filter }) => ({
    tables: [filter, nat].filter((t): t is Table => t !== null),
    localAddresses: LOCALS,
  }));

/** Arbitrary flows in non-decreasing `start` order, indices ascending from `firstIndex`. */
export function flowsArb(maxLength: number): fc.Arbitrary<Flow[]> {
  return fc
    .tuple(
      fc.nat(1000),
      fc.array(
        fc.record({
          gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 4, noNaN: true })),
          src: address,
          dst: address,
          sport: port,
          dport: port,
          proto: fc.constantFrom(...PROTOS),
        }),
        { maxLength, size: 'large' },
      ),
    )
    .map(([firstIndex, raw]) => {
      let t = 0;
      return raw.map((r, k) => {
        t += r.gap;
        return { index: firstIndex + k, start: t, src: r.src, sport: r.sport, dst: r.dst, dport: r.dport, proto: r.proto, duration: 1 };
      });
    });
}
