// The environment a run measured on (SPEC 4): figures without it cannot be compared.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { packageRoot } from '../wasm/package-root.js';

/** Machine and software of a run. */
export interface RunEnv {
  readonly node: string;
  readonly v8: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memBytes: number;
  readonly loadAvg: readonly number[];
  readonly simd: boolean;
  readonly commit: string;
  readonly date: string;
}

/** The git commit of the package, or `unknown` outside a checkout. */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Reads the environment now. */
export function captureEnv(simd: boolean): RunEnv {
  const c = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memBytes: totalmem(),
    loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
    simd,
    commit: gitCommit(),
    date: new Date().toISOString(),
  };
}

/** One line describing the environment, for terminal and Markdown headers. */
export function envLine(e: RunEnv): string {
  return `${e.cpu}, ${e.cores} cores, Node ${e.node} (V8 ${e.v8}), WASM ${e.simd ? 'SIMD' : 'scalar'}, commit ${e.commit}, load ${e.loadAvg.join(' ')}`;
}
