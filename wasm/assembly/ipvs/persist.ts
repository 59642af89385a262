// Persistence templates (ClientIP affinity; dataplane.md 1.16, SPEC 3): one per (client IP, virtual
// service), chained hash over a growable arena. A template pins its destination while
// now < lastUse + timeout or while connections it controls are alive. A connection's gone time is
// fixed when it opens, so "a controlled connection is alive" is "the latest gone time among them is
// after now": no detach at expiry. Replacing a template forgets that time, so connections of the
// old one no longer count (the kernel invalidates the old template and creates a new one).

import { fmix32 } from './hash';
import {
  TMPL_CLIENT, TMPL_DEST, TMPL_LAST_GONE, TMPL_LAST_USE, TMPL_NEXT, TMPL_SHIFT, TMPL_STRIDE, TMPL_SVC,
} from './layout';

let base: usize = 0;
let capacity: i32 = 0;
let used: i32 = 0;
let buckets: usize = 0;
let bucketMask: u32 = 0;

export function persistInit(initial: i32): void {
  capacity = max(initial, 16);
  used = 0;
  base = heap.alloc(<usize>capacity << TMPL_SHIFT);
  let nb: u32 = 16;
  while (nb < <u32>capacity) nb <<= 1;
  bucketMask = nb - 1;
  buckets = heap.alloc(<usize>nb << 2);
  memory.fill(buckets, 0xff, <usize>nb << 2);
}

// @ts-ignore: decorator
@inline function tp(t: i32): usize { return base + (<usize>t << TMPL_SHIFT); }
// @ts-ignore: decorator
@inline function bucketOf(client: u32, svc: i32): u32 { return fmix32(client ^ <u32>svc * 0x9e3779b1) & bucketMask; }

export function templateCount(): i32 { return used; }

/** The template of (client, svc), or -1. */
export function tmplFind(client: u32, svc: i32): i32 {
  let t = load<i32>(buckets + (<usize>bucketOf(client, svc) << 2));
  while (t >= 0) {
    const p = tp(t);
    if (load<u32>(p, TMPL_CLIENT) == client && load<i32>(p, TMPL_SVC) == svc) return t;
    t = load<i32>(p, TMPL_NEXT);
  }
  return -1;
}

function grow(): void {
  const nc = capacity << 1;
  const nb = heap.alloc(<usize>nc << TMPL_SHIFT);
  memory.copy(nb, base, <usize>capacity << TMPL_SHIFT);
  base = nb;
  capacity = nc;
  // rehash into twice the buckets (keys are unique, so chain order does not matter)
  const nbk = (bucketMask + 1) << 1;
  bucketMask = nbk - 1;
  buckets = heap.alloc(<usize>nbk << 2);
  memory.fill(buckets, 0xff, <usize>nbk << 2);
  for (let t = 0; t < used; t++) {
    const p = tp(t);
    const b = buckets + (<usize>bucketOf(load<u32>(p, TMPL_CLIENT), load<i32>(p, TMPL_SVC)) << 2);
    store<i32>(p, load<i32>(b), TMPL_NEXT);
    store<i32>(b, t);
  }
}

/** A new template for (client, svc) pinned to `dest`, last used `now`. */
export function tmplCreate(client: u32, svc: i32, dest: i32, now: f64): i32 {
  if (used == capacity) grow();
  const t = used++;
  const p = tp(t);
  store<u32>(p, client, TMPL_CLIENT);
  store<i32>(p, svc, TMPL_SVC);
  const b = buckets + (<usize>bucketOf(client, svc) << 2);
  store<i32>(p, load<i32>(b), TMPL_NEXT);
  store<i32>(b, t);
  tmplReplace(t, dest, now);
  return t;
}

/** Re-points a lapsed or invalid template: it controls no connection yet. */
export function tmplReplace(t: i32, dest: i32, now: f64): void {
  const p = tp(t);
  store<i32>(p, dest, TMPL_DEST);
  store<f64>(p, now, TMPL_LAST_USE);
  store<f64>(p, -Infinity, TMPL_LAST_GONE);
}

// @ts-ignore: decorator
@inline export function tmplDest(t: i32): i32 { return load<i32>(tp(t), TMPL_DEST); }

/** Alive at `now`: within its timeout since last use, or still controlling a live connection. */
export function tmplAlive(t: i32, timeout: f64, now: f64): bool {
  const p = tp(t);
  return now < load<f64>(p, TMPL_LAST_USE) + timeout || load<f64>(p, TMPL_LAST_GONE) > now;
}

/** A new connection, gone at `gone`, controlled by the template: refreshes lastUse. */
export function tmplAttach(t: i32, now: f64, gone: f64): void {
  const p = tp(t);
  store<f64>(p, now, TMPL_LAST_USE);
  if (gone > load<f64>(p, TMPL_LAST_GONE)) store<f64>(p, gone, TMPL_LAST_GONE);
}
