// The nftables ruleset kube-proxy's nftables mode would program for a cluster (dataplane.md 3), as
// the `nft -f` transaction kube-proxy sends: table `ip kube-proxy`, added and flushed, then chains,
// sets and maps, rules, and map elements — declarations first so every reference resolves.
// Not modelled (not in the cluster model): ExternalIPs, LoadBalancer IPs and firewalls (firewall-ips
// stays empty), Local traffic policy, the ServiceCIDR drop rule, --nodeport-addresses.

import type { Cluster, Service } from '../model/cluster.js';
import { formatIPv4 } from '../model/ipv4.js';
import { kubeProxyEndpointOrder } from '../model/endpoint-order.js';
import { endpointNames, serviceNames } from './names.js';

const TABLE = 'ip kube-proxy';
/** Netfilter priorities: NF_IP_PRI_NAT_DST (dstnat) = -100, NF_IP_PRI_NAT_SRC (srcnat) = 100. */
const DSTNAT = -100;
const SRCNAT = 100;
const MASQ_MARK = '0x4000';

interface BaseChain {
  readonly name: string;
  readonly type: 'filter' | 'nat';
  readonly hook: string;
  readonly priority: number;
  readonly rules: readonly string[];
}

const BASE_CHAINS: readonly BaseChain[] = [
  { name: 'filter-prerouting', type: 'filter', hook: 'prerouting', priority: DSTNAT - 10, rules: ['ct state new jump firewall-check'] },
  { name: 'filter-input', type: 'filter', hook: 'input', priority: DSTNAT - 10, rules: ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check'] },
  { name: 'filter-forward', type: 'filter', hook: 'forward', priority: DSTNAT - 10, rules: ['ct state new jump service-endpoints-check', 'ct state new jump cluster-ips-check'] },
  { name: 'filter-output', type: 'filter', hook: 'output', priority: DSTNAT - 10, rules: ['ct state new jump service-endpoints-check', 'ct state new jump firewall-check'] },
  { name: 'filter-output-post-dnat', type: 'filter', hook: 'output', priority: DSTNAT + 10, rules: ['ct state new jump cluster-ips-check'] },
  { name: 'nat-prerouting', type: 'nat', hook: 'prerouting', priority: DSTNAT, rules: ['jump services'] },
  { name: 'nat-output', type: 'nat', hook: 'output', priority: DSTNAT, rules: ['jump services'] },
  { name: 'nat-postrouting', type: 'nat', hook: 'postrouting', priority: SRCNAT, rules: ['jump masquerading'] },
];

const LOCAL_DADDR = 'fib daddr type local ip daddr != 127.0.0.0/8';

/** Regular chains every ruleset has, with their rules. */
const HELPER_CHAINS: readonly { readonly name: string; readonly rules: readonly string[] }[] = [
  { name: 'mark-for-masquerade', rules: [`mark set mark or ${MASQ_MARK}`] },
  { name: 'masquerading', rules: [`mark and ${MASQ_MARK} == 0 return`, `mark set mark xor ${MASQ_MARK}`, 'masquerade fully-random'] },
  { name: 'services', rules: ['ip daddr . meta l4proto . th dport vmap @service-ips', `${LOCAL_DADDR} meta l4proto . th dport vmap @service-nodeports`] },
  { name: 'service-endpoints-check', rules: ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services'] },
  { name: 'nodeport-endpoints-check', rules: [`${LOCAL_DADDR} meta l4proto . th dport vmap @no-endpoint-nodeports`] },
  { name: 'firewall-check', rules: ['ip daddr . meta l4proto . th dport vmap @firewall-ips'] },
  { name: 'cluster-ips-check', rules: ['ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"'] },
  { name: 'reject-chain', rules: ['reject'] },
];

const IP_KEY = 'ipv4_addr . inet_proto . inet_service';
const PORT_KEY = 'inet_proto . inet_service';
const MAPS: readonly { readonly name: string; readonly key: string; readonly comment: string }[] = [
  { name: 'firewall-ips', key: IP_KEY, comment: 'destinations that are subject to LoadBalancerSourceRanges' },
  { name: 'no-endpoint-services', key: IP_KEY, comment: 'vmap to drop or reject packets to services with no endpoints' },
  { name: 'no-endpoint-nodeports', key: PORT_KEY, comment: 'vmap to drop or reject packets to service nodeports with no endpoints' },
  { name: 'service-ips', key: IP_KEY, comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic' },
  { name: 'service-nodeports', key: PORT_KEY, comment: 'NodePort traffic' },
];

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '')}"`;
}

/**
 * The nftables ruleset (`nft -f` input) kube-proxy would program for `cluster`: one `service-ips`
 * element per service port with programmed endpoints, `no-endpoint-*` elements for the others, a
 * chain per service, endpoint and NodePort, and an affinity set per endpoint of ClientIP services.
 * Where two service ports claim the same map key the first in scenario order keeps it.
 */
export function formatNftRuleset(cluster: Cluster): string {
  const chains: string[] = [];
  const sets: string[] = [];
  const rules: string[] = [];
  const elements: string[] = [];
  const rule = (chain: string, text: string): void => {
    rules.push(`add rule ${TABLE} ${chain} ${text}`);
  };
  const claimed = new Set<string>();
  const element = (map: string, key: string, comment: string, verdict: string): void => {
    const id = `${map} ${key}`;
    if (claimed.has(id)) return;
    claimed.add(id);
    elements.push(`add element ${TABLE} ${map} { ${key} comment ${quote(comment)} : ${verdict} }`);
  };

  for (const c of BASE_CHAINS) {
    chains.push(`add chain ${TABLE} ${c.name} { type ${c.type} hook ${c.hook} priority ${c.priority} ; }`);
    for (const r of c.rules) rule(c.name, r);
  }
  for (const c of HELPER_CHAINS) {
    chains.push(`add chain ${TABLE} ${c.name}`);
    for (const r of c.rules) rule(c.name, r);
  }
  sets.push(`add set ${TABLE} cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }`);
  for (const m of MAPS) sets.push(`add map ${TABLE} ${m.name} { type ${m.key} : verdict ; comment ${quote(m.comment)} ; }`);

  // The services with endpoints go first: their keys belong in service-ips / service-nodeports.
  const clusterIps = new Set<number>();
  const ordered = [...cluster.services.entries()].map(([i, s]) => ({ s, order: kubeProxyEndpointOrder(s), i }));
  for (const { s, order } of [...ordered.filter((o) => o.order.length > 0), ...ordered.filter((o) => o.order.length === 0)]) {
    if (!clusterIps.has(s.clusterIP)) {
      clusterIps.add(s.clusterIP);
      elements.push(`add element ${TABLE} cluster-ips { ${formatIPv4(s.clusterIP)} }`);
    }
    writeService(cluster, s, order, { chains, sets, rule, element });
  }
  return ['add table ' + TABLE + ' { comment "rules for kube-proxy" ; }', `flush table ${TABLE}`, ...chains, ...sets, ...rules, ...elements, ''].join('\n');
}

interface Sink {
  readonly chains: string[];
  readonly sets: string[];
  rule(chain: string, text: string): void;
  element(map: string, key: string, comment: string, verdict: string): void;
}

function writeService(cluster: Cluster, s: Service, order: readonly number[], out: Sink): void {
  const ipKey = `${formatIPv4(s.clusterIP)} . ${s.protocol} . ${s.port}`;
  const portKey = s.nodePort === null ? null : `${s.protocol} . ${s.nodePort}`;
  if (order.length === 0) {
    out.element('no-endpoint-services', ipKey, s.name, 'goto reject-chain');
    if (portKey !== null) out.element('no-endpoint-nodeports', portKey, s.name, 'goto reject-chain');
    return;
  }
  const names = serviceNames(s);
  out.chains.push(`add chain ${TABLE} ${names.service}`);
  out.element('service-ips', ipKey, s.name, `goto ${names.service}`);
  if (cluster.podCIDR !== null) {
    const pod = `${formatIPv4(cluster.podCIDR.net)}/${cluster.podCIDR.prefix}`;
    out.rule(names.service, `ip daddr ${formatIPv4(s.clusterIP)} ${s.protocol} dport ${s.port} ip saddr != ${pod} jump mark-for-masquerade`);
  }
  const eps = order.map((e) => {
    const ep = s.endpoints[e]!;
    return { ep, names: endpointNames(s, ep) };
  });
  if (s.affinityTimeout !== null) {
    for (const { names: n } of eps) out.rule(names.service, `ip saddr @${n.affinity} goto ${n.endpoint}`);
  }
  const arms = eps.map(({ names: n }, i) => `${i} : goto ${n.endpoint}`).join(' , ');
  out.rule(names.service, `numgen random mod ${eps.length} vmap { ${arms} }`);
  for (const { ep, names: n } of eps) {
    out.chains.push(`add chain ${TABLE} ${n.endpoint}`);
    out.rule(n.endpoint, `ip saddr ${formatIPv4(ep.ip)} jump mark-for-masquerade`);
    if (s.affinityTimeout !== null) {
      out.sets.push(`add set ${TABLE} ${n.affinity} { type ipv4_addr ; flags dynamic,timeout ; timeout ${s.affinityTimeout}s ; }`);
      out.rule(n.endpoint, `update @${n.affinity} { ip saddr }`);
    }
    out.rule(n.endpoint, `meta l4proto ${s.protocol} dnat to ${formatIPv4(ep.ip)}:${ep.port}`);
  }
  if (portKey !== null) {
    out.chains.push(`add chain ${TABLE} ${names.external}`);
    out.rule(names.external, 'jump mark-for-masquerade comment "masquerade traffic from external sources"');
    out.rule(names.external, `goto ${names.service}`);
    out.element('service-nodeports', portKey, s.name, `goto ${names.external}`);
  }
}
