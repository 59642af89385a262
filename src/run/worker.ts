// piscina worker: one thread, the core compiled once in the main thread and received here, one
// fresh instance per shard (each shard's engine state starts empty).

import { workerData } from 'piscina';
import { runShard } from './shard-runner.js';
import { actOutFault } from './faults.js';
import type { ShardResult, ShardTask } from './spec.js';

const modules = (workerData as { modules?: Partial<Record<string, WebAssembly.Module>> } | undefined)?.modules ?? {};

/** Runs one shard task. */
export default function runTask(task: ShardTask): ShardResult {
  actOutFault(task.fault);
  return runShard(task, modules[task.build]);
}
