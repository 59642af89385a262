// IPVS scheduler and flag registry: names as ipvsadm spells them → the stable ids of
// wasm/assembly/ipvs/scheduler.ts (a test checks they agree) and the kernel's flag bits.

import { SCHEDULER_NAMES, type IpvsFlag, type SchedulerName } from '../model/cluster.js';

/** Scheduler name → WASM scheduler id (append-only, mirrors wasm/assembly/ipvs/scheduler.ts). */
export const SCHEDULER_IDS: Readonly<Record<SchedulerName, number>> = {
  rr: 0, wrr: 1, lc: 2, wlc: 3, sed: 4, nq: 5, dh: 6, sh: 7, mh: 8,
};

/** Every IPVS flag kpbench models. */
export const IPVS_FLAGS: readonly IpvsFlag[] = ['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'];

/** IP_VS_SVC_F_PERSISTENT. */
export const SVC_F_PERSISTENT = 0x0001;
/** IP_VS_SVC_F_SCHED1: sh-fallback / mh-fallback. */
export const SVC_F_SCHED1 = 0x0008;
/** IP_VS_SVC_F_SCHED2: sh-port / mh-port. */
export const SVC_F_SCHED2 = 0x0010;

/** Flag name → kernel bit (include/uapi/linux/ip_vs.h; sh and mh share SCHED1/SCHED2). */
export const IPVS_FLAG_BITS: Readonly<Record<IpvsFlag, number>> = {
  'sh-fallback': SVC_F_SCHED1,
  'sh-port': SVC_F_SCHED2,
  'mh-fallback': SVC_F_SCHED1,
  'mh-port': SVC_F_SCHED2,
};

/** mh lookup table size M (CONFIG_IP_VS_MH_TAB_INDEX 12 → primes[4]); more destinations is -EINVAL. */
export const MH_TABLE_SIZE = 4093;

/** Largest weight the kernel accepts (IP_VS_DEST weight is checked against INT_MAX; ipvsadm and kube-proxy use 0…65535). */
export const MAX_WEIGHT = 65535;

/** Whether `name` is one of the nine modelled schedulers. */
export function isSchedulerName(name: string): name is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(name);
}

/** Whether `name` is one of the modelled IPVS flags. */
export function isIpvsFlag(name: string): name is IpvsFlag {
  return (IPVS_FLAGS as readonly string[]).includes(name);
}

/** OR of the flag bits of `flags`. */
export function flagBits(flags: readonly IpvsFlag[]): number {
  let bits = 0;
  for (const f of flags) bits |= IPVS_FLAG_BITS[f];
  return bits;
}
