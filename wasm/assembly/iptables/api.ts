// iptables engine exports (re-exported by index.ts): load a packed ruleset image once, then decide
// batches of flows with one call each. Status codes, no throws; the batch path allocates nothing.

import { mix32 } from '../random';
import {
  FLOW_DST_IP, FLOW_DST_PORT, FLOW_INDEX, FLOW_PROTO, FLOW_SRC_IP, FLOW_SRC_PORT, FLOW_START,
  FLOW_STRIDE, NO_ENDPOINT, RESULT_ENDPOINT, RESULT_EXTRA, RESULT_STRIDE, RESULT_VERDICT,
  RESULT_WORK, VERDICT_DNAT, VERDICT_NOMATCH, VERDICT_REJECT,
} from '../layout';
import { walk } from './chain';
import {
  forwardEntry, forwardPolicy, imageLoad, inputEntry, inputPolicy, loaded, natEntry, natPolicy,
} from './image';
import {
  CT_DNAT, CT_NEW, E_BAD_IMAGE, E_NOT_LOADED, EXT_STRIDE, HEADER_BYTES, JUMP_STACK_DEPTH, OK,
  RECENT_CAPACITY, RECENT_LIST_STRIDE, RULE_STRIDE, SCAN_BLOCK, T_DROP, T_REJECT,
} from './layout';
import { isLocal } from './match';
import { packetBegin, pktCt, pktDst, pktEndpoint, pktRules, setDecisionKey } from './packet';

/** RandomDomain.DECISION of src/gen/counter-random.ts. */
const DECISION_DOMAIN: u32 = 1;

let batchRules: f64 = 0;

/**
 * Loads the packed ruleset image the host wrote at `image` (src/iptables/pack.ts) and keys the
 * `statistic` draws on `seed`. The image stays owned by this instance (nth counters live in it).
 * Returns OK or E_BAD_IMAGE.
 */
export function iptablesLoad(image: usize, seed: u32): i32 {
  if (!imageLoad(image)) return E_BAD_IMAGE;
  setDecisionKey(mix32(seed ^ mix32(DECISION_DOMAIN)));
  return OK;
}

/** Walks one table, or accepts at once when the ruleset lacks that built-in chain. */
// @ts-ignore: decorator
@inline function walkTable(entry: i32, policy: i32): u32 {
  return entry < 0 ? 0 : walk(entry, policy);
}

/**
 * Decides `count` flow records at `flowsPtr` in order, writing result records at `resultsPtr`:
 * nat PREROUTING, then filter INPUT (destination local after nat) or FORWARD. DROP or REJECT in
 * either walk gives `reject`; an accepted DNAT gives `dnat`; otherwise `nomatch`. Returns the
 * number decided or E_NOT_LOADED; iptablesBatchRules() then gives the rules evaluated.
 */
export function iptablesDecideBatch(flowsPtr: usize, count: i32, resultsPtr: usize): i32 {
  if (!loaded) return E_NOT_LOADED;
  let total: f64 = 0;
  for (let i = 0; i < count; i++) {
    const f = flowsPtr + <usize>i * FLOW_STRIDE;
    packetBegin(
      load<u32>(f + FLOW_SRC_IP), load<u32>(f + FLOW_DST_IP),
      <u32>load<u16>(f + FLOW_SRC_PORT), <u32>load<u16>(f + FLOW_DST_PORT), <u32>load<u8>(f + FLOW_PROTO),
      load<u32>(f + FLOW_INDEX), load<f64>(f + FLOW_START), CT_NEW,
    );
    let verdict = VERDICT_NOMATCH;
    let out = walkTable(natEntry, natPolicy);
    if (out != T_DROP && out != T_REJECT) {
      out = isLocal(pktDst) ? walkTable(inputEntry, inputPolicy) : walkTable(forwardEntry, forwardPolicy);
    }
    if (out == T_DROP || out == T_REJECT) verdict = VERDICT_REJECT;
    else if ((pktCt & CT_DNAT) != 0) verdict = VERDICT_DNAT;
    const res = resultsPtr + <usize>i * RESULT_STRIDE;
    store<u32>(res + RESULT_VERDICT, verdict);
    store<i32>(res + RESULT_ENDPOINT, verdict == VERDICT_DNAT ? pktEndpoint : NO_ENDPOINT);
    store<u32>(res + RESULT_WORK, pktRules);
    store<u32>(res + RESULT_EXTRA, 0);
    total += <f64>pktRules;
  }
  batchRules = total;
  return count;
}

/** Rules evaluated by the last iptablesDecideBatch call, all flows together. */
export function iptablesBatchRules(): f64 {
  return batchRules;
}

/**
 * Layout constants by id, for the host/WASM agreement test (src/iptables/pack-layout.ts):
 * 0 HEADER_BYTES, 1 RULE_STRIDE, 2 EXT_STRIDE, 3 SCAN_BLOCK, 4 RECENT_CAPACITY,
 * 5 JUMP_STACK_DEPTH, 6 RECENT_LIST_STRIDE; -1 for an unknown id.
 */
export function iptablesLayoutConstant(id: i32): i32 {
  switch (id) {
    case 0: return <i32>HEADER_BYTES;
    case 1: return <i32>RULE_STRIDE;
    case 2: return <i32>EXT_STRIDE;
    case 3: return SCAN_BLOCK;
    case 4: return RECENT_CAPACITY;
    case 5: return JUMP_STACK_DEPTH;
    case 6: return <i32>RECENT_LIST_STRIDE;
    default: return -1;
  }
}
