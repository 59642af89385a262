// The cache, as the code sees it: line-aligned allocation, and a place for the loads made only to
// bring lines in ahead of use.
//
// heap.alloc aligns to 16 bytes only, so records of 32 bytes or more from it can straddle two cache
// lines (three in four, for 64-byte ones): twice the misses each.

/** Cache line of the x86-64 and arm64 machines this runs on. */
export const CACHE_LINE: usize = 64;

/** `bytes` of memory starting on a multiple of `align` (a power of two); never freed. */
// @ts-ignore: decorator
@inline export function alignedAlloc(bytes: usize, align: usize = CACHE_LINE): usize {
  return (heap.alloc(bytes + align) + align - 1) & ~(align - 1);
}

let touched: u32 = 0;

/**
 * Keeps the sum of loads made only to bring their lines into cache (a block ahead of the work that
 * reads them), so the compiler cannot drop them as unused.
 */
// @ts-ignore: decorator
@inline export function keepTouches(sum: u32): void {
  touched += sum;
}
