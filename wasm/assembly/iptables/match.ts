// Rule predicates: the fixed IP-header part, then the extension matches in order, stopping at the
// first failing test as ipt_do_table does (dataplane.md 2.8). Extension matches may change state
// (random draws, nth counters, recent lists), so they run only when everything before them passed.

import { drawRandom } from '../random';
import { exts, localCount, locals, ruleAt } from './image';
import {
  EF_DPORT_INV, EF_INV, EF_REAP, EF_SET, EF_SPORT_INV, EF_SRC, EXT_A0, EXT_A1, EXT_A2, EXT_FLAGS,
  EXT_KIND, EXT_SECONDS, EXT_STRIDE, E_ADDRTYPE, E_CONNTRACK, E_MARK, E_NTH, E_PROTO, E_RANDOM,
  E_RECENT, RF_DPORT_INV, RF_DST_INV, RF_FIXED, RF_SPORT_INV, RF_SRC_INV, RULE_DPORT, RULE_DST_MASK,
  RULE_DST_NET, RULE_EXT_COUNT, RULE_EXT_FIRST, RULE_FLAGS, RULE_PROTO, RULE_SPORT, RULE_SRC_MASK,
  RULE_SRC_NET,
} from './layout';
import {
  decisionKey, nextDraw, pktCt, pktDport, pktDst, pktIndex, pktMark, pktNow, pktProto, pktSport,
  pktSrc,
} from './packet';
import { recentCheck, recentSet } from './recent';

/** 127.0.0.0/8: loopback addresses are always LOCAL. */
const LOOPBACK_NET: u32 = 0x7f000000;
const LOOPBACK_MASK: u32 = 0xff000000;

/** Whether `port` lies in the range packed as lo | hi << 16. */
// @ts-ignore: decorator
@inline export function portIn(port: u32, range: u32): bool {
  return port >= (range & 0xffff) && port <= (range >>> 16);
}

/** `addrtype LOCAL`: one of the node's addresses, or loopback. */
export function isLocal(addr: u32): bool {
  if ((addr & LOOPBACK_MASK) == LOOPBACK_NET) return true;
  for (let i = 0; i < localCount; i++) {
    if (load<u32>(locals + (<usize>i << 2)) == addr) return true;
  }
  return false;
}

// Inlined into the one call site: a wasm call per extension match (conntrack, mark, random on most
// candidates of a kube-proxy walk) costs more than the match itself.
// @ts-ignore: decorator
@inline function extMatches(e: usize): bool {
  const kind = load<u32>(e + EXT_KIND);
  const flags = load<u32>(e + EXT_FLAGS);
  const a0 = load<u32>(e + EXT_A0);
  let hit = false;
  switch (kind) {
    case E_PROTO: {
      hit = pktProto == a0
        && portIn(pktDport, load<u32>(e + EXT_A1)) != ((flags & EF_DPORT_INV) != 0)
        && portIn(pktSport, load<u32>(e + EXT_A2)) != ((flags & EF_SPORT_INV) != 0);
      break;
    }
    case E_MARK: {
      hit = (pktMark & load<u32>(e + EXT_A1)) == a0;
      break;
    }
    case E_RANDOM: {
      // xt_statistic: (random_u32 & 0x7FFFFFFF) < round(2^31 · p)
      hit = (drawRandom(decisionKey, pktIndex, nextDraw()) & 0x7fffffff) < a0;
      break;
    }
    case E_NTH: {
      // xt_statistic nth: a0 = every − 1; the shared counter wraps to 0 on the matching packet.
      const cur = load<u32>(e + EXT_A1);
      const next: u32 = cur == a0 ? 0 : cur + 1;
      store<u32>(e + EXT_A1, next);
      hit = next == 0;
      break;
    }
    case E_RECENT: {
      hit = (flags & EF_SET) != 0
        ? recentSet(a0, pktSrc, pktNow)
        : recentCheck(a0, pktSrc, pktNow, load<f64>(e + EXT_SECONDS), (flags & EF_REAP) != 0);
      break;
    }
    case E_ADDRTYPE: {
      hit = isLocal((flags & EF_SRC) != 0 ? pktSrc : pktDst);
      break;
    }
    case E_CONNTRACK: {
      hit = (pktCt & a0) != 0;
      break;
    }
    default:
      hit = false;
  }
  return hit != ((flags & EF_INV) != 0);
}

/** The fixed IP-header part of the rule record at `rec`: -d, -s, -p and port ranges. */
// @ts-ignore: decorator
@inline function fixedMatches(rec: usize, flags: u32): bool {
  if (((pktDst & load<u32>(rec + RULE_DST_MASK)) == load<u32>(rec + RULE_DST_NET)) == ((flags & RF_DST_INV) != 0)) return false;
  if (((pktSrc & load<u32>(rec + RULE_SRC_MASK)) == load<u32>(rec + RULE_SRC_NET)) == ((flags & RF_SRC_INV) != 0)) return false;
  const proto = load<u32>(rec + RULE_PROTO);
  if (proto != 0 && proto != pktProto) return false;
  if (portIn(pktDport, load<u32>(rec + RULE_DPORT)) == ((flags & RF_DPORT_INV) != 0)) return false;
  return portIn(pktSport, load<u32>(rec + RULE_SPORT)) != ((flags & RF_SPORT_INV) != 0);
}

/**
 * Whether rule `r` matches the current packet: -d, -s, -p and port ranges (skipped when RF_FIXED
 * says they match everything, as for jumps, RETURNs and policies), then its extension matches in
 * order (running their side effects up to the first failure).
 */
// @ts-ignore: decorator
@inline export function ruleMatches(r: i32): bool {
  const rec = ruleAt(r);
  const flags = load<u32>(rec + RULE_FLAGS);
  if ((flags & RF_FIXED) != 0 && !fixedMatches(rec, flags)) return false;
  const n = load<i32>(rec + RULE_EXT_COUNT);
  let e = exts + <usize>load<u32>(rec + RULE_EXT_FIRST) * EXT_STRIDE;
  for (let k = 0; k < n; k++) {
    if (!extMatches(e)) return false;
    e += EXT_STRIDE;
  }
  return true;
}
