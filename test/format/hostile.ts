// Hostile-input generators for the .kpbs reader, shared by the fuzz test and longer local runs.
import fc from 'fast-check';
import { decodeShardPayload as decodeShardFile, encodeShardPayload as encodeShardFile } from '../../src/format/shard-codec.js';
import { KpbenchError } from '../../src/errors.js';
import { ENV, SAMPLE_RESULTS, WORKLOAD } from './arbitraries.js';

/** A real file: three plausible shard results. */
export const REAL_FILE: Uint8Array = encodeShardFile({ workload: WORKLOAD, env: ENV, results: SAMPLE_RESULTS });
export const REAL_DECODED = decodeShardFile(REAL_FILE, 'real.kpbs');

/** Byte positions of the u32 words a liar would rewrite: root offset, vtable soffsets, offsets and vector lengths. */
export function lieTargets(bytes: Uint8Array): number[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const root = v.getUint32(0, true);
  const out = [0, root];
  const field = (t: number, slot: number): number => {
    const vt = t - v.getInt32(t, true);
    return v.getUint16(vt + 4 + 2 * slot, true);
  };
  const at = (t: number, slot: number): number => t + field(t, slot);
  const vec = (t: number, slot: number): number => at(t, slot) + v.getUint32(at(t, slot), true);
  out.push(at(root, 1), vec(root, 1), at(root, 2), vec(root, 2), at(root, 3), vec(root, 3));
  const results = vec(root, 2);
  for (let i = 0; i < v.getUint32(results, true); i++) {
    const elem = results + 4 + 4 * i;
    const t = elem + v.getUint32(elem, true);
    out.push(elem, t, at(t, 0), vec(t, 0));
    for (const slot of [5, 6, 7]) out.push(at(t, slot), vec(t, slot));
  }
  return out;
}
const TARGETS = lieTargets(REAL_FILE);

export type Outcome = 'decoded' | 'rejected';

/** Decodes; a KpbenchError is a clean rejection, anything else is rethrown (a crash). */
export function outcome(bytes: Uint8Array): Outcome {
  try {
    decodeShardFile(bytes, 'fuzz.kpbs');
    return 'decoded';
  } catch (e) {
    if (e instanceof KpbenchError && e.message.startsWith('fuzz.kpbs: ')) return 'rejected';
    throw e;
  }
}

const mutate = (f: (b: Uint8Array) => void): Uint8Array => {
  const b = REAL_FILE.slice();
  f(b);
  return b;
};
const u32 = fc.oneof(fc.constantFrom(0, 1, 3, 4, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff), fc.nat({ max: REAL_FILE.length * 2 }), fc.integer({ min: 0, max: 0xffffffff }));

/** Every kind of hostile input, by name. */
export const HOSTILE: Record<string, fc.Arbitrary<Uint8Array>> = {
  truncated: fc.nat({ max: REAL_FILE.length - 1 }).map((n) => REAL_FILE.slice(0, n)),
  'bit flips': fc.array(fc.tuple(fc.nat({ max: REAL_FILE.length - 1 }), fc.nat({ max: 7 })), { minLength: 1, maxLength: 8 })
    .map((flips) => mutate((b) => { for (const [i, bit] of flips) b[i]! ^= 1 << bit; })),
  'byte overwrites': fc.array(fc.tuple(fc.nat({ max: REAL_FILE.length - 1 }), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 })
    .map((writes) => mutate((b) => { for (const [i, x] of writes) b[i] = x; })),
  'lying offsets and lengths': fc.array(fc.tuple(fc.constantFrom(...TARGETS), u32), { minLength: 1, maxLength: 3 })
    .map((lies) => mutate((b) => { for (const [at, x] of lies) new DataView(b.buffer).setUint32(at, x, true); })),
  'random bytes': fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.uint8Array({ minLength: 4, maxLength: 512 }).map((b) => { b.set([0x4b, 0x50, 0x42, 0x53], Math.min(4, b.length - 4)); return b; }),
  ),
};
