// formatNftRuleset(): kube-proxy's object names and the ruleset's shape for a small cluster.

import { describe, expect, it } from 'vitest';
import { formatNftRuleset } from '../../src/nftables/ruleset-text.js';
import { endpointNames, hash8, hashAndTruncate, serviceNames } from '../../src/nftables/names.js';
import { makeCluster, makeService, makeEndpoint } from '../helpers/cluster.js';

describe('hashAndTruncate()', () => {
  const cases: { base: string; hash: string }[] = [
    { base: 'ns1/svc1/tcp/p80', hash: 'ULMVA6XW' },
    { base: 'ns1/svc1/tcp/p80__10.180.0.1/80', hash: '5OJB2KTY' },
    { base: 'demo/web/tcp/http', hash: 'AXK6CI2C' },
  ];
  for (const c of cases) it(`hashes ${c.base} to ${c.hash} (dataplane.md 3)`, () => expect(hash8(c.base)).toBe(c.hash));

  it('truncates long names to 240 characters ending in "..."', () => {
    const long = hashAndTruncate('n/' + 'x'.repeat(300));
    expect(long).toHaveLength(240);
    expect(long.endsWith('...')).toBe(true);
  });

  it('names service, external, endpoint and affinity objects from the service port name', () => {
    const svc = makeService({ name: 'ns1/svc1:p80', clusterIP: '172.30.0.41', port: 80 });
    expect(serviceNames(svc)).toEqual({ service: 'service-ULMVA6XW-ns1/svc1/tcp/p80', external: 'external-ULMVA6XW-ns1/svc1/tcp/p80' });
    expect(endpointNames(svc, makeEndpoint({ ip: '10.180.0.1', port: 80 }))).toEqual({
      endpoint: 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
      affinity: 'affinity-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
    });
  });
});

describe('formatNftRuleset()', () => {
  const cluster = makeCluster(
    [
      makeService({
        name: 'ns1/svc1:p80', clusterIP: '172.30.0.41', port: 80, nodePort: 30080, affinityTimeout: 10800,
        endpoints: [{ ip: '10.180.0.9', port: 80 }, { ip: '10.180.0.1', port: 80 }, { ip: '10.180.0.3', port: 80, ready: false }],
      }),
      makeService({ name: 'ns1/empty:dns', clusterIP: '172.30.0.42', port: 53, protocol: 'udp', nodePort: 30053 }),
    ],
    { podCIDR: '10.0.0.0/8', nodeIPs: ['192.0.2.10'] },
  );
  const text = formatNftRuleset(cluster);
  const lines = text.split('\n');
  const svc = 'service-ULMVA6XW-ns1/svc1/tcp/p80';
  const ep1 = 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80';

  it('adds and flushes table ip kube-proxy first', () => {
    expect(lines.slice(0, 2)).toEqual(['add table ip kube-proxy { comment "rules for kube-proxy" ; }', 'flush table ip kube-proxy']);
  });

  it('declares the base chains with their hooks and priorities', () => {
    expect(lines).toContain('add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }');
    expect(lines).toContain('add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }');
    expect(lines).toContain('add chain ip kube-proxy filter-forward { type filter hook forward priority -110 ; }');
    expect(lines).toContain('add chain ip kube-proxy filter-output-post-dnat { type filter hook output priority -90 ; }');
  });

  it('dispatches through the service-ips and service-nodeports verdict maps', () => {
    expect(lines).toContain('add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips');
    expect(lines).toContain('add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports');
    expect(lines).toContain(`add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 comment "ns1/svc1:p80" : goto ${svc} }`);
    expect(lines).toContain('add element ip kube-proxy service-nodeports { tcp . 30080 comment "ns1/svc1:p80" : goto external-ULMVA6XW-ns1/svc1/tcp/p80 }');
  });

  it('rejects services without endpoints through the no-endpoint maps', () => {
    expect(lines).toContain('add element ip kube-proxy no-endpoint-services { 172.30.0.42 . udp . 53 comment "ns1/empty:dns" : goto reject-chain }');
    expect(lines).toContain('add element ip kube-proxy no-endpoint-nodeports { udp . 30053 comment "ns1/empty:dns" : goto reject-chain }');
    expect(text).not.toContain('service-ips { 172.30.0.42');
  });

  it('writes the service chain: masquerade, affinity tests in endpoint order, numgen over sorted ready endpoints', () => {
    const rules = lines.filter((l) => l.startsWith(`add rule ip kube-proxy ${svc} `)).map((l) => l.slice(`add rule ip kube-proxy ${svc} `.length));
    const ep9 = 'endpoint-' + hashAndTruncate('ns1/svc1/tcp/p80__10.180.0.9/80');
    expect(rules).toEqual([
      'ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade',
      `ip saddr @${ep1.replace('endpoint-', 'affinity-')} goto ${ep1}`,
      `ip saddr @${ep9.replace('endpoint-', 'affinity-')} goto ${ep9}`,
      `numgen random mod 2 vmap { 0 : goto ${ep1} , 1 : goto ${ep9} }`,
    ]);
  });

  it('writes endpoint chains with masquerade, affinity update and dnat, and their affinity sets', () => {
    const aff = ep1.replace('endpoint-', 'affinity-');
    expect(lines.filter((l) => l.startsWith(`add rule ip kube-proxy ${ep1} `))).toEqual([
      `add rule ip kube-proxy ${ep1} ip saddr 10.180.0.1 jump mark-for-masquerade`,
      `add rule ip kube-proxy ${ep1} update @${aff} { ip saddr }`,
      `add rule ip kube-proxy ${ep1} meta l4proto tcp dnat to 10.180.0.1:80`,
    ]);
    expect(lines).toContain(`add set ip kube-proxy ${aff} { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }`);
  });

  it('marks and masquerades', () => {
    expect(lines).toContain('add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000');
    expect(lines).toContain('add rule ip kube-proxy masquerading mark and 0x4000 == 0 return');
    expect(lines).toContain('add rule ip kube-proxy masquerading mark set mark xor 0x4000');
    expect(lines).toContain('add rule ip kube-proxy masquerading masquerade fully-random');
  });
});
