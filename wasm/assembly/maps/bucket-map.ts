// Bucketed hash map (a: u32, b: u32) → (v0: u32, v1: u32), filled once at load and read-only
// afterwards: nftables' verdict maps and the userspace proxy's listener table.
//
// Slots sit in 64-byte buckets of four, one cache line each. A lookup compares the bucket's four
// keys at once (one v128 compare in the SIMD build, flag arithmetic in the scalar one) with no
// branch per slot; a key lives in its home bucket or, when that is full, in the next bucket with a
// free slot (linear probing over buckets). At load ≤ 3/4 overflow is rare, so the lookup's only
// data-dependent branch almost always goes the same way. (A slot-by-slot probe loop mispredicted
// whenever a key sat past its home slot, and a mispredict behind a cache miss serialises the
// following flows' misses.)
//
// ╒══════════════════════ Bucket (64 bytes, 64-byte aligned) ══════════════════════╕
//  0            16           32            48            64
// │ a[0..3]    │ b[0..3]    │ v0[0..3]    │ v1[0..3]    │   slot j = word j of each row
//   A free slot is all ones. Callers never use b = 0xffffffff (a port key is < 2^24), so a free slot
//   never matches a key, and b = BM_FREE marks it. Slots of a bucket fill in order: a bucket has a
//   free slot iff b[3] = BM_FREE.

import { mix32 } from '../random';
import { BM_A, BM_B, BM_BUCKET_BYTES, BM_BUCKET_SLOTS, BM_FREE, BM_V0, BM_V1 } from './layout';

@final
export class BucketMap {
  /** First bucket (64-byte aligned). */
  base: usize;
  /** Buckets - 1 (the bucket count is a power of two). */
  mask: u32;

  /** Room for `entries` keys at load ≤ 3/4. Allocates (load time only). */
  constructor(entries: u32) {
    let buckets: u32 = 1;
    while (<u64>buckets * BM_BUCKET_SLOTS * 3 < <u64>entries * 4) buckets <<= 1;
    this.mask = buckets - 1;
    const bytes = <usize>buckets * BM_BUCKET_BYTES;
    this.base = (heap.alloc(bytes + BM_BUCKET_BYTES) + BM_BUCKET_BYTES - 1) & ~(BM_BUCKET_BYTES - 1);
    memory.fill(this.base, 0xff, bytes);
  }

  // @ts-ignore: decorator
  @inline private home(a: u32, b: u32): u32 {
    return mix32(a ^ mix32(b)) & this.mask;
  }

  /** Adds (a, b) → (v0, v1) unless the key is present: the first writer wins. `b` ≠ BM_FREE. */
  insertIfAbsent(a: u32, b: u32, v0: u32, v1: u32): void {
    let i = this.home(a, b);
    for (;;) {
      const k = this.base + (<usize>i << 6);
      for (let j: u32 = 0; j < BM_BUCKET_SLOTS; j++) {
        const w = k + (<usize>j << 2);
        if (load<u32>(w + BM_B) == BM_FREE) {
          store<u32>(w + BM_A, a);
          store<u32>(w + BM_B, b);
          store<u32>(w + BM_V0, v0);
          store<u32>(w + BM_V1, v1);
          return;
        }
        if (load<u32>(w + BM_A) == a && load<u32>(w + BM_B) == b) return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** The slot of (a, b) — read its values at BM_V0 / BM_V1 — or 0. */
  // @ts-ignore: decorator
  @inline find(a: u32, b: u32): usize {
    let i = this.home(a, b);
    let w: usize = 0;
    for (;;) {
      const k = this.base + (<usize>i << 6);
      let hits: u32;
      if (ASC_FEATURE_SIMD) {
        hits = i32x4.bitmask(v128.and(
          i32x4.eq(v128.load(k, BM_A), i32x4.splat(a)),
          i32x4.eq(v128.load(k, BM_B), i32x4.splat(b)),
        ));
      } else {
        hits =
          (<u32>(load<u32>(k, BM_A) == a) & <u32>(load<u32>(k, BM_B) == b)) |
          ((<u32>(load<u32>(k, BM_A + 4) == a) & <u32>(load<u32>(k, BM_B + 4) == b)) << 1) |
          ((<u32>(load<u32>(k, BM_A + 8) == a) & <u32>(load<u32>(k, BM_B + 8) == b)) << 2) |
          ((<u32>(load<u32>(k, BM_A + 12) == a) & <u32>(load<u32>(k, BM_B + 12) == b)) << 3);
      }
      if (hits != 0) {
        w = k + (<usize>ctz(hits) << 2);
        break;
      }
      if (load<u32>(k, BM_B + 12) == BM_FREE) break;
      i = (i + 1) & this.mask;
    }
    return w;
  }
}
