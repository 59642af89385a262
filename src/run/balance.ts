// How evenly a case spread its new flows (SPEC 4): each endpoint's count against its expected
// share of its service's flows — equal shares in iptables, nftables and userspace, weight-
// proportional shares over weight > 0 destinations in IPVS.

import { endpointOffsets, isProgrammed, type Cluster } from '../model/cluster.js';
import type { Mode } from '../engines/factory.js';
import { chiSquarePValue } from '../stats/chi-square.js';

/** Balance figures of one case. */
export interface Balance {
  /** Highest observed/expected ratio over the mean ratio. */
  readonly maxOverMean: number;
  /** Lowest observed/expected ratio over the mean ratio. */
  readonly minOverMean: number;
  /** Coefficient of variation of the ratios. */
  readonly cv: number;
  /** Jain's fairness index of the ratios (1 = perfectly even). */
  readonly jain: number;
  /** Chi-square p-value of the counts against the expected shares. */
  readonly chi2p: number;
}

/** Expected share weight of an endpoint in a mode (0 = should get nothing). */
function shareWeight(mode: Mode, ep: Cluster['services'][number]['endpoints'][number], proto: string): number {
  if (mode !== 'ipvs') return isProgrammed(ep) ? 1 : 0;
  if (!ep.ready || ep.terminating) return 0; // terminating TCP endpoints sit at weight 0; others are not added
  return ep.weight;
}

/** Balance of `counts` (new flows per global endpoint id) over `cluster` in `mode`. */
export function balanceOf(mode: Mode, cluster: Cluster, counts: ArrayLike<number>): Balance {
  const offsets = endpointOffsets(cluster);
  const ratios: number[] = [];
  let chi = 0;
  let df = 0;
  cluster.services.forEach((s, si) => {
    let total = 0;
    let weightSum = 0;
    s.endpoints.forEach((ep, e) => {
      total += counts[offsets[si]! + e] ?? 0;
      weightSum += shareWeight(mode, ep, s.protocol);
    });
    if (total === 0 || weightSum === 0) return;
    let cells = 0;
    s.endpoints.forEach((ep, e) => {
      const w = shareWeight(mode, ep, s.protocol);
      if (w === 0) return;
      const expected = (total * w) / weightSum;
      const observed = counts[offsets[si]! + e] ?? 0;
      ratios.push(observed / expected);
      chi += (observed - expected) ** 2 / expected;
      cells++;
    });
    df += Math.max(0, cells - 1);
  });
  if (ratios.length === 0) return { maxOverMean: 1, minOverMean: 1, cv: 0, jain: 1, chi2p: 1 };
  const n = ratios.length;
  const mean = ratios.reduce((a, b) => a + b, 0) / n;
  const sq = ratios.reduce((a, b) => a + b * b, 0);
  const sd = Math.sqrt(Math.max(0, sq / n - mean * mean));
  return {
    maxOverMean: Math.max(...ratios) / mean,
    minOverMean: Math.min(...ratios) / mean,
    cv: sd / mean,
    jain: (mean * n) ** 2 / (n * sq),
    chi2p: chiSquarePValue(chi, df),
  };
}
