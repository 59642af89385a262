// The loaded ruleset image: base addresses of its arrays, kept in globals so the batch path only
// passes flows. Set once per instance by iptablesLoad (api.ts).

import {
  EXT_STRIDE, HEADER_BYTES, H_EXT_COUNT, H_FORWARD_ENTRY, H_FORWARD_POLICY, H_INPUT_ENTRY,
  H_INPUT_POLICY, H_LIST_COUNT, H_LOCAL_COUNT, H_NAT_ENTRY, H_NAT_POLICY, H_RULE_CAP,
  H_RULE_COUNT, NO_CHAIN, RECENT_LIST_STRIDE, RULE_STRIDE, SCAN_BLOCK,
} from './layout';

export let loaded = false;
export let ruleCount: i32 = 0;
/** Destination prefilter: PF_KEY u32[cap] (64-byte aligned) and the PF_WILD bitmap (layout.ts). */
export let pfKey: usize = 0;
export let pfWild: usize = 0;
/** Rule records, RULE_STRIDE bytes each. */
export let rules: usize = 0;
export let exts: usize = 0;
export let locals: usize = 0;
export let localCount: i32 = 0;
export let lists: usize = 0;
export let natEntry: i32 = NO_CHAIN;
export let natPolicy: i32 = NO_CHAIN;
export let inputEntry: i32 = NO_CHAIN;
export let inputPolicy: i32 = NO_CHAIN;
export let forwardEntry: i32 = NO_CHAIN;
export let forwardPolicy: i32 = NO_CHAIN;

/** Address of the record of rule `r`. */
// @ts-ignore: decorator
@inline export function ruleAt(r: i32): usize {
  return rules + <usize>r * RULE_STRIDE;
}

/**
 * Points the globals at the image at `image` and builds the recent-list arena (zeroed: every list
 * empty). Returns false when the header is inconsistent. Not on the batch path: it allocates.
 */
export function imageLoad(image: usize): bool {
  const cap = load<i32>(image + H_RULE_CAP);
  const count = load<i32>(image + H_RULE_COUNT);
  if (count <= 0 || cap < count + SCAN_BLOCK || cap % SCAN_BLOCK != 0) return false;
  ruleCount = count;
  rules = image + HEADER_BYTES;
  pfKey = rules + <usize>cap * RULE_STRIDE;
  exts = pfKey + (<usize>cap << 2);
  const extCount = load<i32>(image + H_EXT_COUNT);
  locals = exts + <usize>extCount * EXT_STRIDE;
  localCount = load<i32>(image + H_LOCAL_COUNT);
  pfWild = locals + (<usize>localCount << 2);
  natEntry = load<i32>(image + H_NAT_ENTRY);
  natPolicy = load<i32>(image + H_NAT_POLICY);
  inputEntry = load<i32>(image + H_INPUT_ENTRY);
  inputPolicy = load<i32>(image + H_INPUT_POLICY);
  forwardEntry = load<i32>(image + H_FORWARD_ENTRY);
  forwardPolicy = load<i32>(image + H_FORWARD_POLICY);
  const listBytes = <usize>load<i32>(image + H_LIST_COUNT) * RECENT_LIST_STRIDE;
  lists = heap.alloc(listBytes > 0 ? listBytes : 16);
  memory.fill(lists, 0, listBytes);
  loaded = true;
  return true;
}
