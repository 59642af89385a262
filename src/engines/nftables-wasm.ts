// Drives the nftables engine in WASM (wasm/assembly/nftables): the cluster's service image is loaded
// once, flows are decided in batches.

import { streamKey, RandomDomain } from '../gen/counter-random.js';
import type { Cluster } from '../model/cluster.js';
import type { NftablesExports } from '../wasm/exports.js';
import { instantiate, type WasmBuild } from '../wasm/loader.js';
import { BatchWasmEngine } from './batch-engine.js';
import { KpbenchError } from '../errors.js';
import { copyServiceImage } from './service-image.js';

/** Options of the nftables WASM engine. */
export interface NftablesWasmOptions {
  readonly build: WasmBuild;
  /** Run seed: `numgen` draws come from streamKey(seed, DECISION). */
  readonly seed: number;
  /** Flows per WASM call in `decide`. @default 4096 */
  readonly batchSize?: number;
  /** The compiled core, when the caller already has it (e.g. received by a worker). */
  readonly module?: WebAssembly.Module;
}

/**
 * kube-proxy's nftables mode in WASM: one `service-ips` lookup, `service-nodeports` for local
 * destinations, affinity sets, `numgen random mod n`. `work` = map lookups (see wasm/assembly/nftables/engine.ts).
 */
export class NftablesWasmEngine extends BatchWasmEngine {
  readonly label: string;
  readonly #nft: NftablesExports;

  /** @throws {KpbenchError} KPB_ERR_INTERNAL if the module rejects the image. */
  constructor(cluster: Cluster, o: NftablesWasmOptions) {
    const x = instantiate(o.build, o.module);
    super(x, o.batchSize);
    this.#nft = x;
    this.label = `nftables/wasm-${o.build}`;
    const image = copyServiceImage(x, cluster);
    const key = streamKey(o.seed >>> 0, RandomDomain.DECISION);
    const status = x.nftLoad(image.services, image.serviceCount, image.endpoints, image.nodeIps, image.nodeCount, key);
    if (status !== 0) throw new KpbenchError('KPB_ERR_INTERNAL', `${this.label}: nftLoad returned status ${status}`);
  }

  protected decideRaw(flowsPtr: number, count: number, resultsPtr: number): number {
    return this.#nft.nftDecideBatch(flowsPtr, count, resultsPtr);
  }

  protected resetRaw(): number {
    return this.#nft.nftReset();
  }
}
