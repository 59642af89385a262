// Expiring client table: (owner, client ip) → (expires, value), open addressing with linear probing
// and power-of-two capacity. nftables keeps its per-endpoint affinity sets in it (owner = endpoint
// slot), the userspace proxy its per-service affinity map (owner = service, value = endpoint slot).
//
// Slots never become empty again between rebuilds: an expired slot is reused for a new key, so probe
// chains stay intact and lookups can stop at the first empty slot. `reserve` runs before a batch and
// guarantees load ≤ 1/2 for every insertion the batch can make, so `put` always finds a slot.

import { mix32 } from '../random';
import { CLIENT_EXPIRES, CLIENT_IP, CLIENT_OWNER, CLIENT_SLOT_STRIDE, CLIENT_USED, CLIENT_VALUE } from './layout';

const MIN_CAPACITY: u32 = 1024;

@final
export class ClientTable {
  base: usize;
  /** A cleared table of the same capacity, reused by compaction so the stub allocator never leaks. */
  spare: usize = 0;
  mask: u32;
  /** Slots holding a key, live or expired. */
  used: u32 = 0;

  constructor() {
    this.mask = MIN_CAPACITY - 1;
    this.base = ClientTable.allocate(MIN_CAPACITY);
  }

  private static allocate(cap: u32): usize {
    const bytes = <usize>cap * CLIENT_SLOT_STRIDE;
    const p = heap.alloc(bytes);
    memory.fill(p, 0, bytes);
    return p;
  }

  // @ts-ignore: decorator
  @inline private static home(owner: u32, ip: u32, mask: u32): u32 {
    return mix32(ip ^ mix32(owner)) & mask;
  }

  /** Forgets every entry. */
  clear(): void {
    memory.fill(this.base, 0, (<usize>this.mask + 1) * CLIENT_SLOT_STRIDE);
    this.used = 0;
  }

  /** The slot of a live entry (now < expires), or 0. */
  find(owner: u32, ip: u32, now: f64): usize {
    let i = ClientTable.home(owner, ip, this.mask);
    for (;;) {
      const s = this.base + <usize>i * CLIENT_SLOT_STRIDE;
      if (load<u32>(s + CLIENT_USED) == 0) return 0;
      if (load<u32>(s + CLIENT_OWNER) == owner && load<u32>(s + CLIENT_IP) == ip) {
        return now < load<f64>(s + CLIENT_EXPIRES) ? s : 0;
      }
      i = (i + 1) & this.mask;
    }
    return 0; // not reached: load ≤ 1/2 leaves an empty slot on every probe path
  }

  /** Creates or refreshes (owner, ip). Entries expired at `now` may be overwritten by other keys. */
  put(owner: u32, ip: u32, now: f64, expires: f64, value: i32): void {
    let i = ClientTable.home(owner, ip, this.mask);
    let reuse: usize = 0;
    let s: usize;
    for (;;) {
      s = this.base + <usize>i * CLIENT_SLOT_STRIDE;
      if (load<u32>(s + CLIENT_USED) == 0) break;
      if (load<u32>(s + CLIENT_OWNER) == owner && load<u32>(s + CLIENT_IP) == ip) {
        reuse = s;
        break;
      }
      if (reuse == 0 && !(now < load<f64>(s + CLIENT_EXPIRES))) reuse = s;
      i = (i + 1) & this.mask;
    }
    if (reuse != 0) {
      s = reuse;
    } else {
      this.used++;
      store<u32>(s + CLIENT_USED, 1);
    }
    store<u32>(s + CLIENT_OWNER, owner);
    store<u32>(s + CLIENT_IP, ip);
    store<f64>(s + CLIENT_EXPIRES, expires);
    store<i32>(s + CLIENT_VALUE, value);
  }

  /**
   * Makes room for `extra` insertions at load ≤ 1/2. When needed, rebuilds with only the entries
   * still live at `now` (safe: time never goes back, so an expired entry can never match again),
   * doubling the capacity while the live entries would fill more than a quarter of it.
   */
  reserve(extra: u32, now: f64): void {
    const cap = this.mask + 1;
    if (<u64>(this.used + extra) * 2 <= <u64>cap) return;
    let live: u32 = 0;
    for (let i: u32 = 0; i < cap; i++) {
      const s = this.base + <usize>i * CLIENT_SLOT_STRIDE;
      if (load<u32>(s + CLIENT_USED) != 0 && now < load<f64>(s + CLIENT_EXPIRES)) live++;
    }
    let newCap = cap;
    while (<u64>(live + extra) * 4 > <u64>newCap) newCap <<= 1;
    let target: usize;
    if (newCap == cap) {
      if (this.spare == 0) this.spare = ClientTable.allocate(cap);
      target = this.spare;
    } else {
      target = ClientTable.allocate(newCap);
    }
    const newMask = newCap - 1;
    for (let i: u32 = 0; i < cap; i++) {
      const s = this.base + <usize>i * CLIENT_SLOT_STRIDE;
      if (load<u32>(s + CLIENT_USED) == 0 || !(now < load<f64>(s + CLIENT_EXPIRES))) continue;
      let j = ClientTable.home(load<u32>(s + CLIENT_OWNER), load<u32>(s + CLIENT_IP), newMask);
      let t = target + <usize>j * CLIENT_SLOT_STRIDE;
      while (load<u32>(t + CLIENT_USED) != 0) {
        j = (j + 1) & newMask;
        t = target + <usize>j * CLIENT_SLOT_STRIDE;
      }
      memory.copy(t, s, CLIENT_SLOT_STRIDE);
    }
    if (newCap == cap) {
      memory.fill(this.base, 0, <usize>cap * CLIENT_SLOT_STRIDE);
      this.spare = this.base;
    } else {
      this.spare = 0; // the old arrays stay allocated: the stub runtime frees nothing
    }
    this.base = target;
    this.mask = newMask;
    this.used = live;
  }
}
