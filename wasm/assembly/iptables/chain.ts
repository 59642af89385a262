// One table walk with ipt_do_table's semantics (dataplane.md 2.8): first match per chain; a jump
// pushes the return rule, a goto does not; RETURN pops, or at an empty stack continues at the
// entry chain's policy rule (the hook's underflow); end of a user chain is an explicit RETURN
// rule and end of a built-in chain its policy rule (pack.ts adds them). MARK and target-less
// rules continue; ACCEPT, DROP, REJECT, DNAT and MASQUERADE end the whole walk.

import { ruleAt } from './image';
import {
  CT_DNAT, JUMP_STACK_DEPTH, RULE_ARG0, RULE_ARG1, RULE_ARG2, RULE_TARGET, T_DNAT, T_DROP, T_GOTO, T_JUMP, T_MARK_OR, T_MARK_XOR, T_NONE,
  T_RETURN,
} from './layout';
import { countRules, dnat, markOr, markXor } from './packet';
import { scanFrom } from './scan';

/** Return rules of pending jumps (the per-CPU jump stack). */
const jumpStack = memory.data(JUMP_STACK_DEPTH << 2);

/**
 * Walks one table from the built-in chain starting at `entry` whose policy rule is `policy`.
 * Returns the terminal target kind: T_ACCEPT, T_DROP, T_REJECT, T_DNAT or T_MASQUERADE; a jump
 * beyond JUMP_STACK_DEPTH nested chains returns T_DROP, as the kernel drops on stack overflow.
 */
export function walk(entry: i32, policy: i32): u32 {
  let r = entry;
  let depth = 0;
  while (true) {
    const m = scanFrom(r);
    countRules(<u32>(m - r + 1));
    const rec = ruleAt(m);
    const t = load<u32>(rec + RULE_TARGET);
    // Most frequent first: kube-proxy walks are mostly jumps and RETURNs.
    if (t == T_JUMP) {
      if (depth >= JUMP_STACK_DEPTH) return T_DROP;
      store<i32>(jumpStack + (<usize>depth << 2), m + 1);
      depth++;
      r = load<i32>(rec + RULE_ARG0);
    } else if (t == T_RETURN) {
      if (depth == 0) {
        r = policy;
      } else {
        depth--;
        r = load<i32>(jumpStack + (<usize>depth << 2));
      }
    } else if (t == T_NONE) {
      r = m + 1;
    } else if (t == T_GOTO) {
      r = load<i32>(rec + RULE_ARG0);
    } else if (t == T_MARK_OR) {
      markOr(load<u32>(rec + RULE_ARG0));
      r = m + 1;
    } else if (t == T_MARK_XOR) {
      markXor(load<u32>(rec + RULE_ARG0));
      r = m + 1;
    } else if (t == T_DNAT) {
      dnat(load<u32>(rec + RULE_ARG0), load<u32>(rec + RULE_ARG1), load<i32>(rec + RULE_ARG2), CT_DNAT);
      return T_DNAT;
    } else {
      return t;
    }
  }
}
