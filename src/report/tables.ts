// The per-N comparison tables, rendered for a terminal (aligned text) or Markdown: one row per
// mode and scheduler, cost beside balance and outcome.

import type { Report, ReportCase } from './json-report.js';

const HEAD = ['mode', 'ns/flow (median)', '[min max]', 'Mflows/s', '× iptables', 'work mean/p99', 'probes', 'dnat/nomatch/reject', 'failed', 'max/mean', 'jain', 'χ² p', 'est. ns/pkt'];

function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(digits);
}

function row(c: ReportCase): string[] {
  const name = c.scheduler === null ? c.mode : `${c.mode} ${c.scheduler}`;
  return [
    name, fmt(c.nsPerFlow.median), `[${fmt(c.nsPerFlow.min)} ${fmt(c.nsPerFlow.max)}]`, fmt(c.mflowsPerSec),
    c.speedupOverIptables === null ? '–' : `${fmt(c.speedupOverIptables)}×`,
    `${fmt(c.work.mean)}/${c.work.p99}`, c.hashProbesPerLookup === null ? '–' : fmt(c.hashProbesPerLookup),
    `${c.verdicts.dnat}/${c.verdicts.nomatch}/${c.verdicts.reject}`,
    c.retries > 0 ? `${c.outcomes.failed} (${c.retries} retries)` : String(c.outcomes.failed),
    fmt(c.balance.maxOverMean), c.balance.jain.toFixed(4), c.balance.chi2p < 0.001 ? c.balance.chi2p.toExponential(1) : c.balance.chi2p.toFixed(3),
    fmt(c.established.nsPerPacket),
  ];
}

/** Cases grouped by N, ascending. */
export function casesByN(cases: readonly ReportCase[]): Map<number, ReportCase[]> {
  const m = new Map<number, ReportCase[]>();
  for (const c of [...cases].sort((a, b) => a.services - b.services)) {
    const list = m.get(c.services) ?? [];
    list.push(c);
    m.set(c.services, list);
  }
  return m;
}

/** Aligned text tables and the crossover summary, for a terminal. */
export function terminalTables(r: Report): string {
  const out: string[] = [];
  for (const [n, cases] of casesByN(r.cases)) {
    const rows = [HEAD, ...cases.map(row)];
    const widths = HEAD.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
    out.push(`\nN = ${n.toLocaleString('en-US')} service ports, ${cases[0]!.endpoints.toLocaleString('en-US')} endpoints, ${cases[0]!.flows.toLocaleString('en-US')} flows per case`);
    rows.forEach((x, k) => {
      out.push(x.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
      if (k === 0) out.push(widths.map((w) => '─'.repeat(w)).join('  '));
    });
  }
  out.push('\nCrossover (N where the mode becomes cheaper per new flow than iptables):');
  for (const c of r.crossovers) out.push(`  ${c.series.padEnd(14)} ${c.text}`);
  return out.join('\n') + '\n';
}

/** The same tables in Markdown. */
export function markdownTables(r: Report): string {
  const out: string[] = [];
  for (const [n, cases] of casesByN(r.cases)) {
    out.push(`\n### N = ${n.toLocaleString('en-US')} service ports (${cases[0]!.endpoints.toLocaleString('en-US')} endpoints, ${cases[0]!.flows.toLocaleString('en-US')} flows per case)\n`);
    out.push(`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const c of cases) out.push(`| ${row(c).join(' | ')} |`);
  }
  out.push('\n### Crossover against iptables\n', '| mode | N |', '|---|---:|');
  for (const c of r.crossovers) out.push(`| ${c.series} | ${c.text} |`);
  return out.join('\n') + '\n';
}
