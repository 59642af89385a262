// The scheduler plug-in contract (STYLE.md 3; the kernel's struct ip_vs_scheduler).
//
// Each scheduler is a @final class in schedulers/<name>.ts with the same five members, in order:
//   countsMatter()     whether pick() reads active/inactive counts (lc, wlc, sed, nq). When not,
//                      no decision can see the counters, so dispatch.ts applies expiry once per
//                      batch instead of before every flow: the state after each batch is the same;
//   init(svc)          reset private state in the service record (cursor, cw/mw/di, bucket table)
//                      for an empty destination list (init_service);
//   destAdded(svc)     a destination was just linked at the list head (add_dest);
//   destUpdated(svc)   a destination's weight changed (upd_dest);
//   pick(svc, flow)    returns the chosen global destination index or NO_DEST (schedule), and
//                      reports its work with setWork().
// `svc` is the service record pointer, `flow` the Flow record pointer. Schedulers only read
// destination counters; the core (dispatch.ts, conn.ts) owns them.
//
// Work ("destinations scanned", the `rules` column of decide), the one definition both engines use:
//   rr, wrr         list elements visited by the walk (each availability test counts once);
//   lc, wlc, sed    list elements examined in the scan (always the whole list);
//   nq              elements examined until the first idle one, else the whole list;
//   dh, sh, mh      1 for the home bucket plus 1 per fallback probe;
//   persistence hit 0; no virtual service 0.

/** pick() result when no destination is usable. */
export const NO_DEST: i32 = -1;

/** Stable scheduler ids shared with the host registry (src/ipvs/schedulers.ts). Append only. */
export const SCHED_RR: i32 = 0;
export const SCHED_WRR: i32 = 1;
export const SCHED_LC: i32 = 2;
export const SCHED_WLC: i32 = 3;
export const SCHED_SED: i32 = 4;
export const SCHED_NQ: i32 = 5;
export const SCHED_DH: i32 = 6;
export const SCHED_SH: i32 = 7;
export const SCHED_MH: i32 = 8;
export const SCHED_COUNT: i32 = 9;

let work: i32 = 0;

/** Records the work of the current pick(). */
// @ts-ignore: decorator
@inline export function setWork(n: i32): void { work = n; }

/** Work of the last pick(). */
// @ts-ignore: decorator
@inline export function lastWork(): i32 { return work; }

/** Greatest common divisor of two positive ints (lib/math/gcd.c). */
export function gcd(a: i32, b: i32): i32 {
  while (b != 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
