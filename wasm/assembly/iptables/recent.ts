// xt_recent lists (net/netfilter/xt_recent.c semantics, dataplane.md 2.6): one list per --name,
// keyed by the source /32, RECENT_CAPACITY entries with LRU eviction, newest timestamp per entry.
// Lists live in the arena image.ts allocates; see the diagram in layout.ts.

import { lists } from './image';
import { RECENT_CAPACITY, RECENT_COUNT, RECENT_KEYS, RECENT_LIST_STRIDE, RECENT_SEQ, RECENT_TS } from './layout';

/** Stamped on every --set; orders entries from least to most recently updated. */
let clock: u64 = 0;

// @ts-ignore: decorator
@inline function listAt(id: u32): usize {
  return lists + <usize>id * RECENT_LIST_STRIDE;
}

function find(list: usize, key: u32): i32 {
  const n = load<i32>(list + RECENT_COUNT);
  const keys = list + RECENT_KEYS;
  for (let i = 0; i < n; i++) {
    if (load<u32>(keys + (<usize>i << 2)) == key) return i;
  }
  return -1;
}

/** Slot of the least recently updated entry (the LRU head); the list is not empty. */
function oldest(list: usize): i32 {
  const n = load<i32>(list + RECENT_COUNT);
  const seq = list + RECENT_SEQ;
  let best = 0;
  let bestSeq = load<u64>(seq);
  for (let i = 1; i < n; i++) {
    const s = load<u64>(seq + (<usize>i << 3));
    if (s < bestSeq) {
      best = i;
      bestSeq = s;
    }
  }
  return best;
}

// @ts-ignore: decorator
@inline function stamp(list: usize, slot: i32, key: u32, now: f64): void {
  store<u32>(list + RECENT_KEYS + (<usize>slot << 2), key);
  store<u64>(list + RECENT_SEQ + (<usize>slot << 3), ++clock);
  store<f64>(list + RECENT_TS + (<usize>slot << 3), now);
}

/** Removes `slot` by moving the last entry into it (order lives in seq, not in position). */
function remove(list: usize, slot: i32): void {
  const last = load<i32>(list + RECENT_COUNT) - 1;
  if (slot != last) {
    store<u32>(list + RECENT_KEYS + (<usize>slot << 2), load<u32>(list + RECENT_KEYS + (<usize>last << 2)));
    store<u64>(list + RECENT_SEQ + (<usize>slot << 3), load<u64>(list + RECENT_SEQ + (<usize>last << 3)));
    store<f64>(list + RECENT_TS + (<usize>slot << 3), load<f64>(list + RECENT_TS + (<usize>last << 3)));
  }
  store<i32>(list + RECENT_COUNT, last);
}

/** `--set`: creates (evicting the LRU entry of a full list) or refreshes the entry; always matches. */
export function recentSet(id: u32, key: u32, now: f64): bool {
  const list = listAt(id);
  let slot = find(list, key);
  if (slot < 0) {
    const n = load<i32>(list + RECENT_COUNT);
    if (n < RECENT_CAPACITY) {
      slot = n;
      store<i32>(list + RECENT_COUNT, n + 1);
    } else {
      slot = oldest(list);
    }
  }
  stamp(list, slot, key, now);
  return true;
}

/**
 * `--rcheck [--seconds T] [--reap]`: matches iff the entry exists and (T = 0 or) its newest
 * timestamp is ≥ now − T; never refreshes. With --reap, once the entry was found, the LRU head
 * is removed if its newest timestamp is < now − T (the kernel spares it only on --update).
 */
export function recentCheck(id: u32, key: u32, now: f64, seconds: f64, reap: bool): bool {
  const list = listAt(id);
  const slot = find(list, key);
  if (slot < 0) return false;
  const horizon = now - seconds;
  const hit = seconds == 0 || load<f64>(list + RECENT_TS + (<usize>slot << 3)) >= horizon;
  if (reap && seconds != 0) {
    const head = oldest(list);
    if (load<f64>(list + RECENT_TS + (<usize>head << 3)) < horizon) remove(list, head);
  }
  return hit;
}
