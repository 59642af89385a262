// Cache-line-aligned allocation. heap.alloc aligns to 16 bytes only, so records of 32 bytes or more
// from it can straddle two cache lines (three in four, for 64-byte ones): twice the misses each.

/** Cache line of the x86-64 and arm64 machines this runs on. */
export const CACHE_LINE: usize = 64;

/** `bytes` of memory starting on a multiple of `align` (a power of two); never freed. */
// @ts-ignore: decorator
@inline export function alignedAlloc(bytes: usize, align: usize = CACHE_LINE): usize {
  return (heap.alloc(bytes + align) + align - 1) & ~(align - 1);
}
