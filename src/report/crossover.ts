// Where each mode overtakes iptables: the N at which its ns per new flow drops below iptables',
// interpolated on log-log axes between the two measured N around the crossing.

/** One mode's crossover against iptables. */
export interface Crossover {
  readonly series: string;
  /** Estimated N, or null when it is never faster (`kind: 'never'`) or always faster (`'below'`). */
  readonly n: number | null;
  readonly kind: 'crossing' | 'below' | 'never';
  /** Text for people: `≈ 340`, `≤ 100`, `> 10000`. */
  readonly text: string;
}

/** Points of a series: N → median ns per new flow. */
export type SeriesPoints = ReadonlyMap<number, number>;

/** Crossovers of every series against `iptables`, from the medians per N. */
export function crossovers(series: ReadonlyMap<string, SeriesPoints>): Crossover[] {
  const base = series.get('iptables');
  if (base === undefined) return [];
  const ns = [...base.keys()].sort((a, b) => a - b);
  const out: Crossover[] = [];
  for (const [name, pts] of series) {
    if (name === 'iptables') continue;
    const xs = ns.filter((n) => pts.has(n));
    if (xs.length === 0) continue;
    const diff = (n: number): number => Math.log(pts.get(n)!) - Math.log(base.get(n)!); // < 0: faster than iptables
    if (diff(xs[0]!) < 0) {
      out.push({ series: name, n: null, kind: 'below', text: `≤ ${xs[0]}` });
      continue;
    }
    let found: Crossover | null = null;
    for (let i = 1; i < xs.length && found === null; i++) {
      const a = xs[i - 1]!;
      const b = xs[i]!;
      if (diff(b) < 0) {
        const t = diff(a) / (diff(a) - diff(b));
        const n = Math.round(Math.exp(Math.log(a) + t * (Math.log(b) - Math.log(a))));
        found = { series: name, n, kind: 'crossing', text: `≈ ${n}` };
      }
    }
    out.push(found ?? { series: name, n: null, kind: 'never', text: `> ${xs[xs.length - 1]}` });
  }
  return out;
}
