// The Markdown summary of a comparison (BENCHMARKING 7.5.3): one table, changed cases first, the
// unchanged ones folded in <details>, a geometric-mean row; for a PR comment or $GITHUB_STEP_SUMMARY.

import type { CaseComparison, Comparison } from './compare.js';
import { caseVerdictText, fmt, isQuiet, methodText, outcomeSentence, ratioText, sideText, tierAText } from './verdict-text.js';

const HEADER = '| case | base | head | ratio [95% CI] | tier A | verdict |\n|---|---|---|---|---|---|';

/** Pipes and newlines would break a table cell. */
const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function row(c: CaseComparison, cmp: Comparison): string {
  const t = c.timed;
  const cells = [
    `\`${c.id}\``,
    t === null ? '–' : sideText(t.base, cmp.normalised),
    t === null ? '–' : sideText(t.head, cmp.normalised),
    t === null ? '–' : ratioText(t),
    tierAText(c, cmp),
    caseVerdictText(c, cmp, true),
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** The summary as Markdown. */
export function markdownSummary(cmp: Comparison): string {
  const loud = cmp.cases.filter((c) => !isQuiet(c));
  const quiet = cmp.cases.filter(isQuiet);
  const g = cmp.geomean;
  const unit = cmp.normalised ? ' u' : ' ns';
  const lines = [
    '## kpbench regression check',
    '',
    `**${outcomeSentence(cmp)}**`,
    '',
    `base \`${cmp.base.commit}\` (${cmp.base.source}) → head \`${cmp.head.commit}\` (${cmp.head.source}). ${methodText(cmp)}.`,
    '',
    HEADER,
    ...loud.map((c) => row(c, cmp)),
    g === null ? '' : `| **geometric mean** (${g.cases} cases) | ${fmt(g.base)}${unit} | ${fmt(g.head)}${unit} | ${g.ratio.toFixed(3)} | | |`,
  ];
  if (quiet.length > 0) {
    lines.push('', `<details><summary>${quiet.length} unchanged case${quiet.length > 1 ? 's' : ''}</summary>`, '', HEADER, ...quiet.map((c) => row(c, cmp)), '', '</details>');
  }
  if (cmp.notes.length > 0) lines.push('', ...cmp.notes.map((n) => `- ${n}`));
  return lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n') + '\n';
}
