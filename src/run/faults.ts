// Test-only fault injection for shard tasks (`kpbench run --inject-fault KIND@CASE/SHARD`), so the
// tests can prove that a worker that throws, exits, hangs or loses a flow fails the run cleanly,
// within a bounded time, with the shard named.

import type { ShardFault } from './spec.js';

/** Fault kinds, as the option spells them. */
export const SHARD_FAULTS: readonly ShardFault[] = ['throw', 'exit', 'hang', 'lose-flow'];

/** Acts out a fault that must happen before the shard's work starts (lose-flow acts inside it). */
export function actOutFault(fault: ShardFault | undefined): void {
  switch (fault) {
    case 'throw':
      throw new Error('injected fault: the shard threw');
    case 'exit':
      process.exit(3);
      break;
    case 'hang':
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks the thread for good
      break;
    default:
      break;
  }
}
