// Drives the userspace-proxy engine in WASM (wasm/assembly/userspace): the cluster's service image is
// loaded once, flows are decided in batches.

import type { Cluster } from '../model/cluster.js';
import type { UserspaceExports } from '../wasm/exports.js';
import { instantiate, type WasmBuild } from '../wasm/loader.js';
import { BatchWasmEngine } from './batch-engine.js';
import { KpbenchError } from '../errors.js';
import { copyServiceImage } from './service-image.js';

/** Options of the userspace WASM engine. */
export interface UserspaceWasmOptions {
  readonly build: WasmBuild;
  /** Flows per WASM call in `decide`. @default 4096 */
  readonly batchSize?: number;
  /** The compiled core, when the caller already has it (e.g. received by a worker). */
  readonly module?: WebAssembly.Module;
}

/**
 * kube-proxy's userspace proxy in WASM: per-service round robin, ClientIP affinity, retry of refused
 * TCP/SCTP dials. `work` = attempts, `extra` = retries (see wasm/assembly/userspace/engine.ts).
 */
export class UserspaceWasmEngine extends BatchWasmEngine {
  readonly label: string;
  readonly #us: UserspaceExports;

  /** @throws {KpbenchError} KPB_ERR_INTERNAL if the module rejects the image. */
  constructor(cluster: Cluster, o: UserspaceWasmOptions) {
    const x = instantiate(o.build, o.module);
    super(x, o.batchSize);
    this.#us = x;
    this.label = `userspace/wasm-${o.build}`;
    const image = copyServiceImage(x, cluster);
    const status = x.usLoad(image.services, image.serviceCount, image.endpoints, image.nodeIps, image.nodeCount);
    if (status !== 0) throw new KpbenchError('KPB_ERR_INTERNAL', `${this.label}: usLoad returned status ${status}`);
  }

  protected decideRaw(flowsPtr: number, count: number, resultsPtr: number): number {
    return this.#us.usDecideBatch(flowsPtr, count, resultsPtr);
  }

  protected resetRaw(): number {
    return this.#us.usReset();
  }
}
