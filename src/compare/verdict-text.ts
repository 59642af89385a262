// Words and numbers shared by the Markdown and terminal summaries, so both say the same thing.

import { effectiveVerdict, exactChangesOf, exitCodeOf, regressions, type CaseComparison, type Comparison, type TimedComparison } from './compare.js';
import { describeChanges } from './tier-a.js';

/** A figure with three significant digits, thousands grouped above 1000. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(digits);
}

/** A fraction as a signed percentage: 0.034 → `+3.4%`. */
export function pct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%`;
}

/** `1.40 [1.31 1.52]`. */
export function ratioText(t: { readonly ratio: number; readonly ci95: readonly [number, number] }): string {
  return `${t.ratio.toFixed(3)} [${t.ci95[0].toFixed(3)} ${t.ci95[1].toFixed(3)}]`;
}

/** A case's median on one side: `812 ns (190 u)` when normalised, `812 ns` otherwise. */
export function sideText(s: TimedComparison['base'], normalised: boolean): string {
  return normalised ? `${fmt(s.ns)} ns (${fmt(s.value)} u)` : `${fmt(s.ns)} ns`;
}

/** The timed verdict in words, with the re-run when there was one. */
export function timedText(t: TimedComparison, emoji: boolean): string {
  const e = (s: string): string => (emoji ? `${s} ` : '');
  const c = t.confirmation;
  switch (effectiveVerdict(t)) {
    case 'unchanged': return `${e('✅')}no change`;
    case 'noise': return `${e('✅')}within noise`;
    case 'faster': return `${e('🚀')}faster`;
    case 'warning':
      return c?.state === 'not-confirmed'
        ? `${e('⚠️')}regression not confirmed on re-run: ${ratioText(c)} over ${c.rounds} rounds`
        : `${e('⚠️')}possible regression`;
    case 'regression':
      return c?.state === 'confirmed'
        ? `${e('❌')}regression, confirmed on re-run: ${ratioText(c)} over ${c.rounds} rounds`
        : `${e('❌')}regression (unconfirmed: no re-run)`;
  }
}

/** The tier A cell: `=` or the changes, marked accepted when the baseline was updated. */
export function tierAText(c: CaseComparison, cmp: Comparison): string {
  if (c.presence === 'not-run') return 'not run';
  if (c.changes.length === 0) return '=';
  return `${cmp.baselineUpdated ? 'accepted: ' : ''}${describeChanges(c.changes)}`;
}

/** The whole case's verdict: tier A first (it is the hard gate), then the timed one. */
export function caseVerdictText(c: CaseComparison, cmp: Comparison, emoji: boolean): string {
  const parts: string[] = [];
  if (c.changes.length > 0) parts.push(cmp.baselineUpdated ? `${emoji ? '📝 ' : ''}exact change (baseline updated)` : `${emoji ? '❌ ' : ''}exact change`);
  if (c.timed !== null) parts.push(timedText(c.timed, emoji));
  else if (c.presence === 'both') parts.push('no timing (fewer than 2 rounds)');
  return parts.join('; ');
}

/** Whether a case goes in the folded "unchanged" part. */
export function isQuiet(c: CaseComparison): boolean {
  if (c.changes.length > 0) return false;
  if (c.timed === null) return true;
  const v = effectiveVerdict(c.timed);
  return v === 'unchanged' || v === 'noise';
}

/** One sentence: the outcome and the exit code. */
export function outcomeSentence(cmp: Comparison): string {
  const code = exitCodeOf(cmp);
  const exact = exactChangesOf(cmp).map((c) => c.id);
  const slow = regressions(cmp).map((c) => c.id);
  const warn = cmp.cases.filter((c) => c.timed !== null && effectiveVerdict(c.timed) === 'warning').length;
  const warned = warn > 0 ? `; ${warn} possible regression${warn > 1 ? 's' : ''} (warning only)` : '';
  if (code === 3) return `FAIL (exit 3): exact counters changed in ${exact.join(', ')} and the baseline was not updated in this change${slow.length > 0 ? `; timed regression in ${slow.join(', ')}` : ''}`;
  if (code === 1) return `FAIL (exit 1): timed regression in ${slow.join(', ')}${warned}`;
  const accepted = exact.length > 0 ? `; exact changes in ${exact.length} case${exact.length > 1 ? 's' : ''} accepted (baseline updated)` : '';
  return `OK (exit 0): no regression${warned}${accepted}`;
}

/** The method in one line: what is compared and the run's noise floor. */
export function methodText(cmp: Comparison): string {
  const t = cmp.thresholds;
  const what = cmp.normalised ? 'calibration-normalised medians (u = ns/flow ÷ ns per calibration word)' : 'raw ns/flow medians';
  return `times: ${what}, ratio head/base with a bootstrap 95% interval; A/A noise floor head ±${(cmp.noise.head * 100).toFixed(1)}%, base ±${(cmp.noise.base * 100).toFixed(1)}%; `
    + `fail at ≥ ${pct(t.fail)} with the interval above ${pct(t.failLower)} and above ${t.noiseMultiple}× noise (${pct(t.noiseMultiple * cmp.noise.gate)}), confirmed by a re-run`;
}
