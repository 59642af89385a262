// Runs shard tasks on a piscina pool sized to the machine. At most `workers` tasks are in flight,
// so each one's time limit starts when it starts running; a task that throws, exits or exceeds
// its limit fails the whole run with its shard named, and the pool is torn down.

import { join } from 'node:path';
import { Piscina } from 'piscina';
import { KpbenchError } from '../errors.js';
import { packageRoot } from '../wasm/package-root.js';
import { wasmModule, type WasmBuild } from '../wasm/loader.js';
import type { ShardResult, ShardTask } from './spec.js';

/** Options of {@link runTasks}. */
export interface PoolOptions {
  readonly workers: number;
  /** Milliseconds one task may run before the run fails. */
  readonly taskTimeoutMs: number;
  /** Called as each task finishes, in completion order. */
  readonly onResult?: (task: ShardTask, result: ShardResult) => void;
  /** Stops handing out tasks (Ctrl-C); tasks already running finish. */
  readonly stop?: AbortSignal;
}

/** Where the compiled worker lives (workers run plain JS from dist/, built by `npm run build`). */
export function workerFile(): string {
  return join(packageRoot(), 'dist', 'src', 'run', 'worker.js');
}

function describeTask(t: ShardTask): string {
  return `case ${t.case.id} shard ${t.shard}/${t.shards}`;
}

/**
 * Runs every task; resolves with the results in task order, or rejects with a KpbenchError naming
 * the first shard that failed. With `stop` aborted, resolves with the tasks finished so far.
 */
export async function runTasks(tasks: readonly ShardTask[], o: PoolOptions): Promise<Array<ShardResult | undefined>> {
  const builds = [...new Set(tasks.map((t) => t.build))] as WasmBuild[];
  const modules = Object.fromEntries(builds.map((b) => [b, wasmModule(b)]));
  const pool = new Piscina<ShardTask, ShardResult>({
    filename: workerFile(),
    minThreads: o.workers,
    maxThreads: o.workers,
    idleTimeout: 1000,
    workerData: { modules },
  });
  const results: Array<ShardResult | undefined> = new Array<ShardResult | undefined>(tasks.length);
  let next = 0;
  let failure: KpbenchError | null = null;
  const failed = new AbortController(); // one failure cancels the tasks still running
  const runOne = async (): Promise<void> => {
    while (failure === null && next < tasks.length && o.stop?.aborted !== true) {
      const index = next++;
      const task = tasks[index]!;
      const timeout = AbortSignal.timeout(o.taskTimeoutMs);
      try {
        const result = await pool.run(task, { signal: AbortSignal.any([timeout, failed.signal]) });
        results[index] = result;
        o.onResult?.(task, result);
      } catch (e) {
        if (failed.signal.aborted) return;
        const why = timeout.aborted ? `did not finish within ${Math.round(o.taskTimeoutMs / 1000)} s (hung worker)` : `failed: ${(e as Error).message}`;
        failure = new KpbenchError('KPB_ERR_WORKER', `${describeTask(task)} ${why}`, 1);
        failed.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.workers) }, runOne));
  } finally {
    await pool.destroy();
  }
  if (failure !== null) throw failure;
  return results;
}
