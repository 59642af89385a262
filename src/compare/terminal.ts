// The terminal summary of a comparison: one line per case that changed, a count of the others,
// the geometric mean, and one verdict sentence last (BENCHMARKING 7.5.4).

import type { Comparison } from './compare.js';
import { caseVerdictText, fmt, isQuiet, methodText, outcomeSentence, ratioText, tierAText } from './verdict-text.js';

/** The summary as plain lines, ending with the verdict. */
export function terminalSummary(cmp: Comparison): string {
  const out = [`compare: base ${cmp.base.commit} (${cmp.base.source}) → head ${cmp.head.commit} (${cmp.head.source})`, `  ${methodText(cmp)}`];
  const width = Math.max(4, ...cmp.cases.map((c) => c.id.length));
  for (const c of cmp.cases.filter((x) => !isQuiet(x))) {
    const t = c.timed;
    const timing = t === null ? '' : `ns/flow ${fmt(t.base.ns)} → ${fmt(t.head.ns)}  ratio ${ratioText(t)}  `;
    const exact = c.changes.length > 0 ? `exact: ${tierAText(c, cmp)}  ` : '';
    out.push(`  ${c.id.padEnd(width)}  ${timing}${exact}${caseVerdictText(c, cmp, false)}`);
  }
  const quiet = cmp.cases.filter(isQuiet).length;
  const g = cmp.geomean;
  out.push(`  ${quiet} case${quiet === 1 ? '' : 's'} unchanged within noise${g === null ? '' : `; geometric-mean ratio ${g.ratio.toFixed(3)} over ${g.cases} cases`}`);
  for (const n of cmp.notes) out.push(`  note: ${n}`);
  out.push(`verdict: ${outcomeSentence(cmp)}`);
  return out.join('\n') + '\n';
}
