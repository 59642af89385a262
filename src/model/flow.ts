// A connection's first packet, as the engines see it.

import type { Protocol } from './cluster.js';

/** One new flow (connection). Times are seconds of simulated time. */
export interface Flow {
  /** Position in the input: the key of counter-based randomness and of the decision digest. */
  readonly index: number;
  readonly start: number;
  readonly src: number;
  readonly sport: number;
  readonly dst: number;
  readonly dport: number;
  readonly proto: Protocol;
  readonly duration: number;
}

/** What a dataplane did with a new flow (SPEC 3). */
export type Verdict = 'dnat' | 'nomatch' | 'reject';

/** One decision, in the shape every engine reports. */
export interface Decision {
  readonly verdict: Verdict;
  /** Global endpoint id (see endpointOffsets) that finally took the flow, or -1. */
  readonly endpoint: number;
  /** Engine work for this flow: rules evaluated, destinations scanned, map lookups or attempts. */
  readonly work: number;
}
