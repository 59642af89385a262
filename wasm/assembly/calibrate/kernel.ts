// The calibration kernel: fixed work whose duration is the run's machine-speed index
// (BENCHMARKING 7.3). A serial mix32 chain over a fixed 1 MiB buffer: integer multiply/shift
// latency plus L2-sized reads, the same kind of work as the engines' hot loops. Every step
// depends on the previous one and the result is returned, so the optimiser cannot shorten it.

import { mix32 } from '../random';

/** Words (u32) in the calibration buffer: 1 MiB. */
export const CALIBRATION_WORDS: i32 = 1 << 18;

/** Fills `words` u32 at `ptr` with a fixed pattern (the same in every build and run). */
export function fillCalibrationBuffer(ptr: usize, words: i32): void {
  for (let i = 0; i < words; i++) store<u32>(ptr + (<usize>i << 2), mix32(<u32>i ^ 0x5bd1e995));
}

/**
 * Hashes the buffer `passes` times as one dependency chain starting at `seed`; returns the chain's
 * end so the work is observable. One unit of calibration work is one word hashed.
 */
export function hashCalibrationBuffer(ptr: usize, words: i32, passes: i32, seed: u32): u32 {
  let acc = seed;
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < words; i++) acc = mix32(acc ^ load<u32>(ptr + (<usize>i << 2)));
  }
  return acc;
}
