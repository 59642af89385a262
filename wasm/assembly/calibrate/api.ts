// Calibration exports (re-exported by index.ts): the host times calibrateRun() between cases.

import { CALIBRATION_WORDS, fillCalibrationBuffer, hashCalibrationBuffer } from './kernel';

let bufferPtr: usize = 0;

/** Words hashed per pass of calibrateRun(): the host divides by passes × this. */
export function calibrateWords(): i32 {
  return CALIBRATION_WORDS;
}

/**
 * Hashes the fixed 1 MiB buffer `passes` times from `seed`; returns the chain's end value.
 * The buffer is allocated and filled on the first call, so time only calls after the first.
 */
export function calibrateRun(passes: i32, seed: u32): u32 {
  if (bufferPtr == 0) {
    bufferPtr = heap.alloc(<usize>CALIBRATION_WORDS << 2);
    fillCalibrationBuffer(bufferPtr, CALIBRATION_WORDS);
  }
  return hashCalibrationBuffer(bufferPtr, CALIBRATION_WORDS, passes, seed);
}
