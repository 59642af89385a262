// The machine-speed index of a run (BENCHMARKING 7.3): the host times the WASM calibration kernel
// (wasm/assembly/calibrate/) between shard results, so its samples see the same machine, clock
// and load as the cases. Timed figures divided by it compare across runs and runners.

import type { CalibrationExports } from '../wasm/exports.js';
import { instantiate, type WasmBuild } from '../wasm/loader.js';

/** Names the kernel and its unit; runs with a different kernel cannot be normalised alike. */
export const CALIBRATION_KERNEL = 'mix32-chain-1MiB-v1';

/** Passes over the 1 MiB buffer per sample: about 2 ms on a 3 GHz core, above the 1 ms floor. */
const PASSES_PER_SAMPLE = 2;

/** The calibration of one run. */
export interface Calibration {
  /** {@link CALIBRATION_KERNEL} of the run. */
  readonly kernel: string;
  /**
   * ns per unit of work (one 32-bit word hashed) over all samples: total time ÷ total work, the
   * divisor of normalised figures. Not the median: a case's round time includes the preemption
   * its thread suffered on a loaded machine, and the total-time figure includes it the same way,
   * which the median would discard. Seven identical quick runs on a loaded 2-core machine: the
   * median run-to-run deviation of a case's normalised time was 63% with it, 78% with the median.
   */
  readonly nsPerUnit: number;
  /** Every sample, ns per unit, in the order taken. */
  readonly samples: readonly number[];
}

/** Takes calibration samples in this thread, one fresh WASM instance for the whole run. */
export class Calibrator {
  readonly #x: CalibrationExports;
  readonly #units: number;
  readonly #samples: number[] = [];
  #seed = 1;

  /** @throws {Error} when the WASM build predates the calibration kernel (rebuild with `npm run build`) */
  constructor(build: WasmBuild) {
    const x = instantiate(build);
    // The type describes this source's core; the build/ on disk may predate the kernel.
    if (typeof x.calibrateRun !== 'function' || typeof x.calibrateWords !== 'function') {
      throw new Error('kpbench: the WASM core has no calibration kernel; run `npm run build` to rebuild it');
    }
    this.#x = x;
    this.#units = this.#x.calibrateWords() * PASSES_PER_SAMPLE;
    this.#x.calibrateRun(PASSES_PER_SAMPLE, 0); // fills the buffer and lets V8 tier the kernel up
  }

  /** Times `count` samples now. */
  sample(count = 1): void {
    for (let i = 0; i < count; i++) {
      // A different seed per call keeps each chain's result unknown until it has run.
      const seed = this.#seed++;
      const t0 = process.hrtime.bigint();
      this.#x.calibrateRun(PASSES_PER_SAMPLE, seed);
      this.#samples.push(Number(process.hrtime.bigint() - t0) / this.#units);
    }
  }

  /** The calibration so far; NaN `nsPerUnit` before any sample. */
  result(): Calibration {
    const n = this.#samples.length;
    const nsPerUnit = n === 0 ? NaN : this.#samples.reduce((a, x) => a + x, 0) / n;
    return { kernel: CALIBRATION_KERNEL, nsPerUnit, samples: [...this.#samples] };
  }
}
