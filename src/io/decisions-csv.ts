// Writes decisions as `decide` prints them (SPEC 5): flow,verdict,endpoint,rules,outcome.

import type { Cluster, Endpoint } from '../model/cluster.js';
import { endpointOffsets } from '../model/cluster.js';
import type { Decision } from '../model/flow.js';
import { formatIPv4 } from '../model/ipv4.js';

/** Resolves global endpoint ids to endpoints. */
export function endpointTable(cluster: Cluster): readonly Endpoint[] {
  const table: Endpoint[] = new Array<Endpoint>(endpointOffsets(cluster)[cluster.services.length]!);
  let k = 0;
  for (const s of cluster.services) for (const e of s.endpoints) table[k++] = e;
  return table;
}

/** Whether a decision's connection works: a dnat to a serving endpoint. Empty for other verdicts. */
export function outcomeOf(d: Decision, endpoints: readonly Endpoint[]): 'ok' | 'failed' | '' {
  if (d.verdict !== 'dnat') return '';
  return endpoints[d.endpoint]?.serving === true ? 'ok' : 'failed';
}

/** CSV text of decisions, one row per flow in input order. */
export function formatDecisionsCsv(cluster: Cluster, decisions: readonly Decision[]): string {
  const endpoints = endpointTable(cluster);
  const rows = ['flow,verdict,endpoint,rules,outcome'];
  decisions.forEach((d, i) => {
    const ep = d.endpoint >= 0 ? endpoints[d.endpoint] : undefined;
    const where = ep === undefined ? '' : `${formatIPv4(ep.ip)}:${ep.port}`;
    rows.push(`${i},${d.verdict},${where},${d.work},${outcomeOf(d, endpoints)}`);
  });
  return rows.join('\n') + '\n';
}
