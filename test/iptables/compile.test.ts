import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { compileIptables, LARGE_CLUSTER_ENDPOINTS } from '../../src/iptables/compile.js';
import { formatIptablesSave } from '../../src/iptables/save.js';
import { endpointProbability } from '../../src/iptables/probability.js';
import { serviceChainName } from '../../src/iptables/names.js';
import { KpbenchError } from '../../src/errors.js';
import { endpointOffsets, isProgrammed, type Cluster, type Endpoint, type Service } from '../../src/model/cluster.js';
import { formatIPv4 } from '../../src/model/ipv4.js';
import type { Chain, Match, Rule, Ruleset, TableName } from '../../src/iptables/ruleset.js';
import { ip, makeCluster, makeEndpoint, makeService } from '../helpers/cluster.js';

function table(rs: Ruleset, name: TableName): ReadonlyMap<string, Chain> {
  const t = rs.tables.find((x) => x.name === name);
  if (!t) throw new Error(`no ${name} table`);
  return new Map(t.chains.map((c) => [c.name, c]));
}

function rulesOf(rs: Ruleset, t: TableName, chain: string): readonly Rule[] {
  const c = table(rs, t).get(chain);
  if (!c) throw new Error(`no chain ${t}/${chain}`);
  return c.rules;
}

function matchesOf<K extends Match['kind']>(r: Rule, kind: K): Extract<Match, { kind: K }>[] {
  return r.matches.filter((m): m is Extract<Match, { kind: K }> => m.kind === kind);
}

function jumpTarget(r: Rule): string | null {
  return r.target.kind === 'jump' ? r.target.chain : null;
}

const three = (name = 'demo/web:http', cip = '10.96.40.10'): Service =>
  makeService({
    name,
    clusterIP: cip,
    port: 80,
    endpoints: [
      { ip: '10.244.1.9', port: 8080 },
      { ip: '10.244.1.11', port: 8080 },
      { ip: '10.244.1.10', port: 8080 },
    ],
  });

describe('compileIptables(): layout', () => {
  it('ends nat KUBE-SERVICES with the NodePorts rule, also without services', () => {
    for (const services of [[], [three()], [three(), three('demo/other', '10.96.40.11')]]) {
      const rules = rulesOf(compileIptables(makeCluster(services)), 'nat', 'KUBE-SERVICES');
      const last = rules[rules.length - 1]!;
      expect(jumpTarget(last)).toBe('KUBE-NODEPORTS');
      expect(matchesOf(last, 'addrtype')).toEqual([{ kind: 'addrtype', dir: 'dst', invert: false }]);
      expect(rules.length).toBe(services.length + 1);
    }
  });

  it('keeps built-in chains first, in hook order, with policy ACCEPT', () => {
    const rs = compileIptables(makeCluster([]));
    const builtins = (t: TableName): string[] =>
      rs.tables.find((x) => x.name === t)!.chains.filter((c) => c.policy !== null).map((c) => `${c.name}:${c.policy}`);
    expect(rs.tables.map((t) => t.name)).toEqual(['filter', 'nat']);
    expect(builtins('filter')).toEqual(['INPUT:ACCEPT', 'FORWARD:ACCEPT', 'OUTPUT:ACCEPT']);
    expect(builtins('nat')).toEqual(['PREROUTING:ACCEPT', 'INPUT:ACCEPT', 'OUTPUT:ACCEPT', 'POSTROUTING:ACCEPT']);
    expect(rulesOf(rs, 'filter', 'INPUT').map(jumpTarget)).toEqual(['KUBE-PROXY-FIREWALL', 'KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES']);
    expect(rulesOf(rs, 'filter', 'FORWARD').map(jumpTarget)).toEqual(['KUBE-PROXY-FIREWALL', 'KUBE-FORWARD', 'KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES']);
    expect(rulesOf(rs, 'filter', 'OUTPUT').map(jumpTarget)).toEqual(['KUBE-PROXY-FIREWALL', 'KUBE-SERVICES']);
    expect(rulesOf(rs, 'nat', 'PREROUTING').map(jumpTarget)).toEqual(['KUBE-SERVICES']);
    expect(rulesOf(rs, 'nat', 'OUTPUT').map(jumpTarget)).toEqual(['KUBE-SERVICES']);
    expect(rulesOf(rs, 'nat', 'POSTROUTING').map(jumpTarget)).toEqual(['KUBE-POSTROUTING']);
  });

  it('reports the node IPs as local addresses', () => {
    expect(compileIptables(makeCluster([], { nodeIPs: ['192.0.2.10', '192.0.2.11'] })).localAddresses).toEqual([ip('192.0.2.10'), ip('192.0.2.11')]);
  });
});

describe('compileIptables(): endpoints', () => {
  const rs = compileIptables(makeCluster([three()], { podCIDR: '10.244.0.0/16' }));
  const svc = rulesOf(rs, 'nat', serviceChainName(three()));

  it('sorts endpoints by their IP:port string, so .10 < .11 < .9', () => {
    const dispatch = svc.slice(1); // after the masquerade rule
    expect(dispatch.map((r) => matchesOf(r, 'comment')[0]?.text)).toEqual([
      'demo/web:http -> 10.244.1.10:8080',
      'demo/web:http -> 10.244.1.11:8080',
      'demo/web:http -> 10.244.1.9:8080',
    ]);
  });

  it('DNATs with the global id of the endpoint in scenario order', () => {
    const dnats = svc.slice(1).map((r) => rulesOf(rs, 'nat', jumpTarget(r)!)[1]!.target);
    expect(dnats).toEqual([
      { kind: 'DNAT', ip: ip('10.244.1.10'), port: 8080, endpoint: 2 },
      { kind: 'DNAT', ip: ip('10.244.1.11'), port: 8080, endpoint: 1 },
      { kind: 'DNAT', ip: ip('10.244.1.9'), port: 8080, endpoint: 0 },
    ]);
  });

  it('uses p = 1/k for the endpoints not yet passed and no statistic on the last rule', () => {
    expect(svc.slice(1).map((r) => matchesOf(r, 'random')[0]?.threshold ?? null)).toEqual([
      endpointProbability(3).threshold,
      endpointProbability(2).threshold,
      null,
    ]);
    expect(matchesOf(svc[1]!, 'random')[0]).toMatchObject({ probability: 0.3333333333, threshold: 715827883 });
  });

  it('puts the off-cluster masquerade rule first when a pod CIDR is known, and none without', () => {
    expect(svc[0]).toMatchObject({ src: { net: ip('10.244.0.0'), prefix: 16, invert: true }, dst: { net: ip('10.96.40.10'), prefix: 32 }, proto: 'tcp' });
    expect(jumpTarget(svc[0]!)).toBe('KUBE-MARK-MASQ');
    const bare = rulesOf(compileIptables(makeCluster([three()])), 'nat', serviceChainName(three()));
    expect(bare.length).toBe(3);
    expect(bare.every((r) => jumpTarget(r)?.startsWith('KUBE-SEP-'))).toBe(true);
  });

  it('programs neither non-ready nor terminating endpoints, but does program non-serving ones', () => {
    const s = makeService({
      name: 'ns/s',
      clusterIP: '10.96.0.5',
      port: 80,
      endpoints: [
        { ip: '10.0.0.1', port: 80, ready: false },
        { ip: '10.0.0.2', port: 80, terminating: true },
        { ip: '10.0.0.3', port: 80, serving: false },
        { ip: '10.0.0.4', port: 80 },
      ],
    });
    const r = compileIptables(makeCluster([s]));
    const seps = rulesOf(r, 'nat', serviceChainName(s)).map((x) => rulesOf(r, 'nat', jumpTarget(x)!)[1]!.target);
    expect(seps).toEqual([
      { kind: 'DNAT', ip: ip('10.0.0.3'), port: 80, endpoint: 2 },
      { kind: 'DNAT', ip: ip('10.0.0.4'), port: 80, endpoint: 3 },
    ]);
  });

  it('programs a repeated IP:port once, as the first listed', () => {
    const s = makeService({ name: 'ns/s', clusterIP: '10.96.0.5', port: 80, endpoints: [{ ip: '10.0.0.1', port: 80 }, { ip: '10.0.0.1', port: 80 }] });
    const r = compileIptables(makeCluster([s]));
    const svcRules = rulesOf(r, 'nat', serviceChainName(s));
    expect(svcRules.length).toBe(1);
    expect(rulesOf(r, 'nat', jumpTarget(svcRules[0]!)!)[1]!.target).toMatchObject({ endpoint: 0 });
  });

  it('writes the hairpin masquerade and a DNAT rule per endpoint chain', () => {
    const sep = rulesOf(rs, 'nat', jumpTarget(svc[3]!)!);
    expect(sep[0]).toEqual({ src: { net: ip('10.244.1.9'), prefix: 32, invert: false }, dst: null, proto: null, matches: [{ kind: 'comment', text: 'demo/web:http' }], target: { kind: 'jump', chain: 'KUBE-MARK-MASQ' } });
    expect(sep[1]!.proto).toBe('tcp');
    expect(sep[1]!.matches).toEqual([{ kind: 'comment', text: 'demo/web:http' }, { kind: 'proto', proto: 'tcp', dport: null, sport: null }]);
  });
});

describe('compileIptables(): affinity, NodePorts, protocols', () => {
  it('checks every endpoint\'s recent list before the random cascade and records on DNAT', () => {
    const s = makeService({ name: 'ns/sticky', clusterIP: '10.96.0.7', port: 80, affinityTimeout: 600, endpoints: [{ ip: '10.0.0.2', port: 80 }, { ip: '10.0.0.1', port: 80 }] });
    const r = compileIptables(makeCluster([s]));
    const rules = rulesOf(r, 'nat', serviceChainName(s));
    expect(rules.length).toBe(4);
    const seps = rules.slice(2).map((x) => jumpTarget(x)!);
    expect(rules.slice(0, 2).map((x) => [matchesOf(x, 'recent'), jumpTarget(x)])).toEqual(
      seps.map((sep) => [[{ kind: 'recent', name: sep, mode: 'rcheck', seconds: 600, reap: true }], sep]),
    );
    for (const sep of seps) {
      expect(matchesOf(rulesOf(r, 'nat', sep)[1]!, 'recent')).toEqual([{ kind: 'recent', name: sep, mode: 'set', seconds: 0, reap: false }]);
    }
  });

  it('sends NodePort traffic through KUBE-NODEPORTS and KUBE-EXT to the service chain', () => {
    const s = makeService({ name: 'ns/np', clusterIP: '10.96.0.8', port: 80, protocol: 'udp', nodePort: 30053, endpoints: [{ ip: '10.0.0.1', port: 53 }] });
    const r = compileIptables(makeCluster([s]));
    const [np] = rulesOf(r, 'nat', 'KUBE-NODEPORTS');
    expect(np).toMatchObject({ proto: 'udp', matches: [{ kind: 'comment', text: 'ns/np' }, { kind: 'proto', proto: 'udp', dport: { lo: 30053, hi: 30053, invert: false } }] });
    const ext = rulesOf(r, 'nat', jumpTarget(np!)!);
    expect(ext.map(jumpTarget)).toEqual(['KUBE-MARK-MASQ', serviceChainName(s)]);
    expect(matchesOf(ext[0]!, 'comment')[0]!.text).toBe('masquerade traffic for ns/np external destinations');
  });

  it('REJECTs in filter, and writes no nat rules, for a service without programmed endpoints', () => {
    const s = makeService({ name: 'ns/none', clusterIP: '10.96.0.9', port: 443, protocol: 'sctp', nodePort: 30443, endpoints: [{ ip: '10.0.0.1', port: 443, ready: false }] });
    const r = compileIptables(makeCluster([s], { podCIDR: '10.244.0.0/16' }));
    expect(rulesOf(r, 'filter', 'KUBE-SERVICES')).toEqual([
      {
        src: null,
        dst: { net: ip('10.96.0.9'), prefix: 32, invert: false },
        proto: 'sctp',
        matches: [{ kind: 'comment', text: 'ns/none has no endpoints' }, { kind: 'proto', proto: 'sctp', dport: { lo: 443, hi: 443, invert: false }, sport: null }],
        target: { kind: 'REJECT' },
      },
    ]);
    expect(rulesOf(r, 'filter', 'KUBE-EXTERNAL-SERVICES')).toEqual([
      {
        src: null,
        dst: null,
        proto: 'sctp',
        matches: [
          { kind: 'comment', text: 'ns/none has no endpoints' },
          { kind: 'addrtype', dir: 'dst', invert: false },
          { kind: 'proto', proto: 'sctp', dport: { lo: 30443, hi: 30443, invert: false }, sport: null },
        ],
        target: { kind: 'REJECT' },
      },
    ]);
    expect(rulesOf(r, 'nat', 'KUBE-SERVICES').length).toBe(1);
    expect(rulesOf(r, 'nat', 'KUBE-NODEPORTS')).toEqual([]);
    expect([...table(r, 'nat').keys()].some((n) => /^KUBE-(SVC|EXT|SEP)-/.test(n))).toBe(false);
  });

  it('refuses two service ports with one name and protocol', () => {
    expect(() => compileIptables(makeCluster([three(), three('demo/web:http', '10.96.0.99')]))).toThrow(KpbenchError);
  });
});

describe('compileIptables(): large cluster mode', () => {
  /** `services` services with `per` programmed endpoints each, plus one non-ready endpoint each. */
  function cluster(services: number, per: number): Cluster {
    const list = Array.from({ length: services }, (_, s) =>
      makeService({
        name: `ns/svc-${s}`,
        clusterIP: formatIPv4(ip('10.96.0.0') + s),
        port: 80,
        endpoints: [
          ...Array.from({ length: per }, (_, e) => ({ ip: formatIPv4(ip('10.244.0.0') + s * 64 + e), port: 8080 })),
          { ip: formatIPv4(ip('10.244.0.0') + s * 64 + 63), port: 8080, ready: false },
        ],
      }),
    );
    return makeCluster(list, { podCIDR: '10.244.0.0/16' });
  }

  function perEndpointComments(rs: Ruleset): number {
    let n = 0;
    for (const [name, c] of table(rs, 'nat')) {
      if (!/^KUBE-(SVC|SEP)-/.test(name)) continue;
      for (const r of c.rules) for (const m of matchesOf(r, 'comment')) if (!m.text.endsWith(' cluster IP')) n++;
    }
    return n;
  }

  it(`keeps comments at exactly ${LARGE_CLUSTER_ENDPOINTS} programmed endpoints (non-ready ones do not count)`, () => {
    expect(perEndpointComments(compileIptables(cluster(50, 20)))).toBe(1000 * 3);
  });

  it(`drops per-endpoint comments above ${LARGE_CLUSTER_ENDPOINTS}, keeping service-level ones`, () => {
    const big = cluster(91, 11); // 1001 endpoints
    const rs = compileIptables(big);
    expect(perEndpointComments(rs)).toBe(0);
    const svc = rulesOf(rs, 'nat', serviceChainName(big.services[0]!));
    expect(matchesOf(svc[0]!, 'comment')[0]!.text).toBe('ns/svc-0 cluster IP');
    expect(svc.slice(1).every((r) => matchesOf(r, 'comment').length === 0)).toBe(true);
    expect(matchesOf(rulesOf(rs, 'nat', 'KUBE-SERVICES')[0]!, 'comment')[0]!.text).toBe('ns/svc-0 cluster IP');
  });
});

// ---- property: for random clusters, every service resolves the way kube-proxy programs it ----

const endpointArb = fc.record({
  ip: fc.integer({ min: ip('10.244.0.0'), max: ip('10.244.0.0') + 300 }),
  port: fc.constantFrom(80, 8080, 9000),
  weight: fc.constant(1),
  ready: fc.integer({ min: 0, max: 4 }).map((x) => x > 0), // mostly ready
  serving: fc.boolean(),
  terminating: fc.boolean(),
}) satisfies fc.Arbitrary<Endpoint>;

const serviceArb = fc.record({
  port: fc.integer({ min: 1, max: 65535 }),
  protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'sctp' as const),
  nodePort: fc.option(fc.integer({ min: 30000, max: 32767 })),
  affinityTimeout: fc.option(fc.integer({ min: 1, max: 86400 })),
  endpoints: fc.array(endpointArb, { maxLength: 12 }),
});

const clusterArb = fc
  .record({
    podCIDR: fc.option(fc.constant({ net: ip('10.244.0.0'), prefix: 16 })),
    services: fc.array(serviceArb, { maxLength: 15 }),
  })
  .map(({ podCIDR, services }): Cluster => ({
    podCIDR,
    nodeIPs: [ip('192.0.2.10')],
    services: services.map((s, i): Service => ({ ...s, name: `ns/svc-${i}`, clusterIP: ip('10.96.0.0') + i, ipvs: null })),
  }));

/** The endpoint ids one SVC chain can DNAT to, following jumps; fails on anything unexpected. */
function dnatPaths(nat: ReadonlyMap<string, Chain>, chain: string): { id: number; ip: number; port: number; probability: number }[] {
  const out: { id: number; ip: number; port: number; probability: number }[] = [];
  for (const r of nat.get(chain)!.rules) {
    const sep = jumpTarget(r);
    if (sep === null || !sep.startsWith('KUBE-SEP-') || matchesOf(r, 'recent').length > 0) continue;
    const dnats = nat.get(sep)!.rules.filter((x) => x.target.kind === 'DNAT');
    expect(dnats.length).toBe(1);
    const t = dnats[0]!.target;
    if (t.kind !== 'DNAT') throw new Error('unreachable');
    out.push({ id: t.endpoint, ip: t.ip, port: t.port, probability: matchesOf(r, 'random')[0]?.probability ?? 1 });
  }
  return out;
}

describe('compileIptables(): properties', () => {
  test.prop([clusterArb], { numRuns: 200 })('every service with programmed endpoints has one portal rule and one DNAT path per endpoint', (cluster) => {
    const rs = compileIptables(cluster);
    const nat = table(rs, 'nat');
    const filter = table(rs, 'filter');
    const offsets = endpointOffsets(cluster);
    const natServices = nat.get('KUBE-SERVICES')!.rules;
    const rejects = filter.get('KUBE-SERVICES')!.rules;

    cluster.services.forEach((svc, s) => {
      const wanted = new Map<string, number>();
      svc.endpoints.forEach((ep, e) => {
        const key = `${ep.ip}:${ep.port}`;
        if (isProgrammed(ep) && !wanted.has(key)) wanted.set(key, offsets[s]! + e);
      });
      const portal = natServices.filter((r) => r.dst?.net === svc.clusterIP);
      const reject = rejects.filter((r) => r.dst?.net === svc.clusterIP);
      if (wanted.size === 0) {
        expect(portal).toEqual([]);
        expect(reject.length).toBe(1);
        return;
      }
      expect(reject).toEqual([]);
      expect(portal.length).toBe(1);
      expect(matchesOf(portal[0]!, 'proto')[0]!.dport).toEqual({ lo: svc.port, hi: svc.port, invert: false });
      const paths = dnatPaths(nat, jumpTarget(portal[0]!)!);
      expect(paths.map((p) => p.id).sort((a, b) => a - b)).toEqual([...wanted.values()].sort((a, b) => a - b));
      for (const p of paths) expect(wanted.get(`${p.ip}:${p.port}`)).toBe(p.id);
      // k = endpoints left: p(i) = 1/(n - i), the last one unconditional.
      const n = paths.length;
      paths.forEach((p, i) => expect(p.probability).toBe(i === n - 1 ? 1 : endpointProbability(n - i).value));
    });
    expect(jumpTarget(natServices[natServices.length - 1]!)).toBe('KUBE-NODEPORTS');
  });

  test.prop([clusterArb], { numRuns: 100 })('every jump lands on a chain of the same table and every per-service chain is reachable', (cluster) => {
    const rs = compileIptables(cluster);
    for (const t of rs.tables) {
      const names = new Set(t.chains.map((c) => c.name));
      expect(names.size).toBe(t.chains.length);
      const referenced = new Set<string>();
      for (const c of t.chains) for (const r of c.rules) {
        const to = jumpTarget(r);
        if (to !== null) {
          expect(names.has(to), `${t.name}/${c.name} jumps to missing ${to}`).toBe(true);
          referenced.add(to);
        }
      }
      // KUBE-MARK-MASQ is written even when no service uses it.
      for (const c of t.chains) if (/^KUBE-(SVC|EXT|SEP)-/.test(c.name)) expect(referenced.has(c.name), `${t.name}/${c.name} unreachable`).toBe(true);
    }
  });
});

describe('compileIptables(): scale', () => {
  // Compile and save times are reported by the micro-benchmark (speed goals live there, not in
  // tests); this pins the shape of a 50,000-service ruleset.
  it('compiles 50,000 services × 3 endpoints into the expected rule counts, and saves them', () => {
    const services = Array.from({ length: 50_000 }, (_, s): Service => ({
      name: `ns-${s % 97}/svc-${s}:http`,
      clusterIP: ip('10.96.0.0') + s,
      port: 80,
      protocol: 'tcp',
      nodePort: s % 10 === 0 ? 30000 + ((s / 10) % 2768) : null, // 5,000 NodePorts
      affinityTimeout: null,
      ipvs: null,
      endpoints: [0, 1, 2].map((e) => makeEndpoint({ ip: formatIPv4(ip('10.128.0.0') + s * 4 + e), port: 8080 })),
    }));
    const rs = compileIptables(makeCluster(services, { podCIDR: '10.128.0.0/9' }));
    expect(table(rs, 'nat').size).toBe(8 + 50_000 * 4 + 5_000);
    const text = formatIptablesSave(rs);
    expect(text.endsWith('COMMIT\n')).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith('-A KUBE-SEP-')).length).toBe(50_000 * 3 * 2);
  });
});
