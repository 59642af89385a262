// Compiles each WASM build once per thread and hands out fresh instances (each engine owns one,
// so its arenas start empty). The `abort` import becomes a host Error with the decoded message.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KpbenchExports, WasmExports } from './exports.js';
import { KpbenchError } from '../errors.js';
import { packageRoot } from './package-root.js';

/** The WASM core called `abort` (an assertion or the allocator refusing a size). */
export class WasmAbortError extends Error {
  override name = 'WasmAbortError';
}

/** Which compiled core to run: plain WASM, or WASM with 128-bit SIMD. */
export type WasmBuild = 'scalar' | 'simd';

const FILES: Readonly<Record<WasmBuild, string>> = { scalar: 'release.wasm', simd: 'release-simd.wasm' };
const modules = new Map<WasmBuild, WebAssembly.Module>();

/** The compiled module of one build (compiled on first use, then cached). */
export function wasmModule(build: WasmBuild): WebAssembly.Module {
  let m = modules.get(build);
  if (m === undefined) {
    const path = join(packageRoot(), 'build', FILES[build]);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new Error(`kpbench: ${path} is missing; run \`npm run build\` (npm ci does it) to compile the WASM core`);
    }
    m = new WebAssembly.Module(new Uint8Array(bytes));
    modules.set(build, m);
  }
  return m;
}

/** Whether this runtime can run the SIMD build. */
export function simdSupported(): boolean {
  // i32x4.splat(0) as a minimal valid module body: (module (func (result v128) i32.const 0 i32x4.splat))
  const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);
  return WebAssembly.validate(probe);
}

/** The build to use by default: SIMD where the runtime has it. */
export function defaultBuild(): WasmBuild {
  return simdSupported() ? 'simd' : 'scalar';
}

/** A new instance of one build, from a module compiled once (here or received from another thread). */
export function instantiate(build: WasmBuild, module: WebAssembly.Module = wasmModule(build)): WasmExports {
  let memory: WebAssembly.Memory | null = null;
  const readString = (ptr: number): string => {
    if (memory === null || ptr === 0) return '';
    const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0]! >>> 1;
    return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
  };
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(msg: number, file: number, line: number, col: number): never {
        throw new WasmAbortError(`kpbench WASM abort: ${readString(msg)} at ${readString(file)}:${line}:${col}`);
      },
    },
  });
  const raw = instance.exports as unknown as WasmExports;
  memory = raw.memory;
  return { ...raw, alloc: guardedAlloc(raw) };
}

/** Largest WASM memory a wasm32 instance can have. */
export const WASM_MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;

/**
 * `alloc` that turns a failed memory growth (the stub runtime traps) into a clean limit error, so
 * a case too big for one instance is refused with the limit named instead of crashing.
 */
function guardedAlloc(x: KpbenchExports): (bytes: number) => number {
  return (bytes: number): number => {
    try {
      return x.alloc(bytes);
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError) && !(e instanceof WasmAbortError)) throw e;
      const have = x.memory.buffer.byteLength;
      throw new KpbenchError('KPB_ERR_LIMIT', `WASM memory exhausted: ${bytes} more bytes needed with ${have} in use (a wasm32 instance holds at most ${WASM_MEMORY_LIMIT_BYTES / 1024 ** 3} GiB); use fewer services, endpoints or connections per shard, or more shards`);
    }
  };
}
