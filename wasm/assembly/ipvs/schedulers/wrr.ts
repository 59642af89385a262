// wrr — weighted round robin (ip_vs_wrr.c; dataplane.md 1.3). State: cursor cl, current weight cw,
// mw = max weight − (gcd − 1), decrement di = gcd. Every add/upd resets the cursor and adjusts cw,
// which is why building the list one destination at a time matters.

import { gcd, NO_DEST, setWork } from '../scheduler';
import {
  destOverloaded, destWeight, setSvcCursor, setSvcCw, setSvcDi, setSvcMw, svcCursor, svcCw,
  svcDestCount, svcDestFirst, svcDi, svcMw,
} from '../service';

/** gcd of the positive weights, 1 if none (ip_vs_wrr_gcd_weight). */
function gcdWeight(svc: usize): i32 {
  const first = svcDestFirst(svc);
  const n = svcDestCount(svc);
  let g = 0;
  for (let i = 0; i < n; i++) {
    const w = destWeight(first + i);
    if (w > 0) g = g > 0 ? gcd(w, g) : w;
  }
  return g != 0 ? g : 1;
}

function maxWeight(svc: usize): i32 {
  const first = svcDestFirst(svc);
  const n = svcDestCount(svc);
  let m = 0;
  for (let i = 0; i < n; i++) m = max(m, destWeight(first + i));
  return m;
}

/** ip_vs_wrr_dest_changed: add_dest, del_dest and upd_dest all land here. */
function destChanged(svc: usize): void {
  setSvcCursor(svc, -1);
  const di = gcdWeight(svc);
  const mw = maxWeight(svc) - (di - 1);
  setSvcDi(svc, di);
  setSvcMw(svc, mw);
  const cw = svcCw(svc);
  if (cw > mw || cw == 0) setSvcCw(svc, mw);
  else if (di > 1) setSvcCw(svc, (cw / di) * di + 1);
}

@final export class WeightedRoundRobin {
  // @ts-ignore: decorator
  @inline countsMatter(): bool { return false; }

  init(svc: usize): void {
    setSvcCursor(svc, -1);
    const di = gcdWeight(svc);
    const mw = maxWeight(svc) - (di - 1);
    setSvcDi(svc, di);
    setSvcMw(svc, mw);
    setSvcCw(svc, mw);
  }

  destAdded(svc: usize): void {
    destChanged(svc);
  }

  destUpdated(svc: usize): void {
    destChanged(svc);
  }

  // @ts-ignore: decorator
  @inline pick(svc: usize, flow: usize): i32 {
    const mw = svcMw(svc);
    if (mw == 0) {
      setWork(0);
      return NO_DEST;
    }
    const first = svcDestFirst(svc);
    const n = svcDestCount(svc);
    const di = svcDi(svc);
    const last = svcCursor(svc); // -1 = the list head
    let cw = svcCw(svc);
    let pos = last;
    let stop = -2; // no stop element
    let lastPass = false;
    let restarted = false;
    let visited = 0;
    while (true) {
      for (let i = pos + 1; i < n; i++) {
        visited++;
        const d = first + i;
        if (!destOverloaded(d) && destWeight(d) >= cw) {
          setSvcCursor(svc, i);
          setSvcCw(svc, cw);
          setWork(visited);
          return d;
        }
        if (i == stop) {
          setSvcCursor(svc, i);
          setSvcCw(svc, cw);
          setWork(visited);
          return NO_DEST;
        }
      }
      pos = -1;
      cw -= di;
      if (cw <= 0) {
        cw = mw;
        if (lastPass || last == -1) {
          setSvcCursor(svc, -1);
          setSvcCw(svc, cw);
          setWork(visited);
          return NO_DEST;
        }
        restarted = true;
      }
      lastPass = cw <= di;
      if (lastPass && restarted && last != -1) stop = last;
    }
    return NO_DEST;
  }
}
