// Open-addressing hash map (a: u32, b: u32) → service index, linear probing, power-of-two capacity,
// load ≤ 1/2. Filled once at load, read-only afterwards: nftables' verdict maps and the userspace
// proxy's listener table.

import { mix32 } from '../random';
import { KEY_A, KEY_B, KEY_EMPTY, KEY_SLOT_STRIDE, KEY_VALUE } from './layout';

@final
export class KeyMap {
  base: usize;
  mask: u32;

  /** Room for `entries` keys. Allocates (load time only). */
  constructor(entries: u32) {
    let cap: u32 = 8;
    while (cap < entries << 1) cap <<= 1;
    this.mask = cap - 1;
    const bytes = <usize>cap * KEY_SLOT_STRIDE;
    this.base = heap.alloc(bytes);
    memory.fill(this.base, 0xff, bytes); // every value = KEY_EMPTY
  }

  // @ts-ignore: decorator
  @inline private home(a: u32, b: u32): u32 {
    return mix32(a ^ mix32(b)) & this.mask;
  }

  /** Adds (a, b) → value unless the key is present: the first writer wins. */
  insertIfAbsent(a: u32, b: u32, value: i32): void {
    let i = this.home(a, b);
    for (;;) {
      const s = this.base + <usize>i * KEY_SLOT_STRIDE;
      const v = load<i32>(s + KEY_VALUE);
      if (v == KEY_EMPTY) {
        store<u32>(s + KEY_A, a);
        store<u32>(s + KEY_B, b);
        store<i32>(s + KEY_VALUE, value);
        return;
      }
      if (load<u32>(s + KEY_A) == a && load<u32>(s + KEY_B) == b) return;
      i = (i + 1) & this.mask;
    }
  }

  /** The value of (a, b), or KEY_EMPTY. */
  find(a: u32, b: u32): i32 {
    let i = this.home(a, b);
    for (;;) {
      const s = this.base + <usize>i * KEY_SLOT_STRIDE;
      const v = load<i32>(s + KEY_VALUE);
      if (v == KEY_EMPTY) return KEY_EMPTY;
      if (load<u32>(s + KEY_A) == a && load<u32>(s + KEY_B) == b) return v;
      i = (i + 1) & this.mask;
    }
    return KEY_EMPTY; // not reached: load ≤ 1/2 leaves an empty slot on every probe path
  }
}
