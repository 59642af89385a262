// Packed iptables ruleset image (written by src/iptables/pack.ts, mirrored in
// src/iptables/pack-layout.ts; a test checks both against iptablesLayoutConstant()).
//
// ╒═══════════════════════════════════════ Image ═══════════════════════════════════════╕
//  0        64                  64+64·cap      64+68·cap            +EXT_STRIDE·ext  +4·local   +cap/8
// │ header │ rule records (AoS) │ PF_KEY[cap] │ ext match records │ local addrs  │ PF_WILD bits │
//
// Two shapes on purpose. The scan reads only the destination prefilter: PF_KEY, one u32 per rule,
// which v128 loads take 4 rules at a time, and PF_WILD, one bit per rule (bit r & 7 of byte
// r >>> 3; cap/8 bytes rounded up to whole u32 words, which the scalar scan reads). A rule is a scan candidate when PF_WILD is set (its -d is absent, inverted or wider
// than /32: the full predicate decides) or when PF_KEY equals the packet's destination (an exact
// -d a.b.c.d/32, as every KUBE-SERVICES rule has). Keys alone halve the bytes a scan streams
// compared with net + mask pairs and need no AND. Every rule the scan stops at is then read as one
// 64-byte record, a single cache line (the host aligns the image to 64), instead of a dozen misses
// across SoA arrays: the service and endpoint chains a flow visits sit anywhere in a multi-megabyte
// image. Records come first so they and PF_KEY are 64-byte aligned: a SCAN_BLOCK of keys is one
// cache line, and the scan steps over whole, aligned blocks (it masks the lanes before its start).
// cap = rule capacity: the rule count rounded up to SCAN_BLOCK plus one more SCAN_BLOCK, so a SIMD
// scan may read the whole block holding any rule. Lanes past a chain's end are harmless: every
// chain is a contiguous range of rules whose last rule is the implicit end-of-chain rule (RETURN
// for user chains, the policy for built-in chains), which has no condition and is wild. So a scan
// from inside a chain always stops inside that chain and never needs the chain's end (padding
// rules past the last chain have key 0 and no wild bit, and are never reached either).
//
// ╒══════════ Header (u32 words) ══════════╕
//  H_RULE_CAP  H_RULE_COUNT  H_EXT_COUNT  H_LIST_COUNT  H_LOCAL_COUNT
//  H_NAT_ENTRY H_NAT_POLICY  H_INPUT_ENTRY H_INPUT_POLICY H_FORWARD_ENTRY H_FORWARD_POLICY
//  (entry = first rule of the built-in chain, policy = its policy rule; NO_CHAIN when absent)
//
// ╒═══════════════════════════ Rule record (RULE_STRIDE = 64 bytes) ═══════════════════════════╕
//  0       4        8       12       16     20     24     28     32      36      40     44   48   52   56   64
// │dstNet │dstMask │srcNet │srcMask │proto │dport │sport │flags │extFirst│extCount│target│arg0│arg1│arg2│pad│
//   exact -d / -s tests (with RF_*_INV); proto 0 = any (folded with a leading proto match);
//   RF_FIXED clear = the fields dstNet…sport and RF_*_INV match every packet, so they are skipped;
//   ports lo | hi << 16 (0 | 0xFFFF << 16 = any); extFirst/extCount: the extension matches still
//   to run, in order. Targets: jump/goto arg0 = first rule of the chain; DNAT arg0 ip, arg1 port,
//   arg2 endpoint id; MARK_OR/MARK_XOR arg0 value.
//
// ╒══════ Ext match record (EXT_STRIDE = 32 bytes) ══════╕
//  0       4       8     12     16     20     24              32
// │ kind  │ flags │ a0  │ a1   │ a2   │ a3   │ seconds (f64)  │
//   PROTO:     a0 proto, a1 dport lo|hi<<16, a2 sport lo|hi<<16, flags EF_DPORT_INV/EF_SPORT_INV
//   MARK:      a0 value, a1 mask                 RANDOM: a0 threshold (of 2^31)
//   NTH:       a0 every-1, a1 counter (mutable state, initialised by the host)
//   RECENT:    a0 list id, flags EF_SET/EF_REAP, seconds = --seconds (0 = no time test)
//   ADDRTYPE:  flags EF_SRC (else dst)           CONNTRACK: a0 CT_* state mask
//   every kind: EF_INV inverts the result

/** Rules per SIMD scan step: 16 keys = 4 v128 loads = one cache line, 16 PF_WILD bits = one u16. */
// @ts-ignore: decorator
@inline export const SCAN_BLOCK: i32 = 16;

export const HEADER_WORDS: i32 = 16;
export const HEADER_BYTES: usize = 64;
export const H_RULE_CAP: usize = 0;
export const H_RULE_COUNT: usize = 4;
export const H_EXT_COUNT: usize = 8;
export const H_LIST_COUNT: usize = 12;
export const H_LOCAL_COUNT: usize = 16;
export const H_NAT_ENTRY: usize = 20;
export const H_NAT_POLICY: usize = 24;
export const H_INPUT_ENTRY: usize = 28;
export const H_INPUT_POLICY: usize = 32;
export const H_FORWARD_ENTRY: usize = 36;
export const H_FORWARD_POLICY: usize = 40;
/** Entry/policy value of a built-in chain the ruleset does not have. */
export const NO_CHAIN: i32 = -1;

export const RULE_STRIDE: usize = 64;
export const RULE_DST_NET: usize = 0;
export const RULE_DST_MASK: usize = 4;
export const RULE_SRC_NET: usize = 8;
export const RULE_SRC_MASK: usize = 12;
export const RULE_PROTO: usize = 16;
export const RULE_DPORT: usize = 20;
export const RULE_SPORT: usize = 24;
export const RULE_FLAGS: usize = 28;
export const RULE_EXT_FIRST: usize = 32;
export const RULE_EXT_COUNT: usize = 36;
export const RULE_TARGET: usize = 40;
export const RULE_ARG0: usize = 44;
export const RULE_ARG1: usize = 48;
export const RULE_ARG2: usize = 52;

/** RULE_FLAGS bits. */
export const RF_DST_INV: u32 = 1;
export const RF_SRC_INV: u32 = 2;
export const RF_DPORT_INV: u32 = 4;
export const RF_SPORT_INV: u32 = 8;
/** The fixed part tests something (otherwise only the extension matches decide). */
export const RF_FIXED: u32 = 16;

/** Target kinds (RULE_TARGET). ACCEPT…MASQUERADE end the table walk. */
export const T_NONE: u32 = 0;
export const T_JUMP: u32 = 1;
export const T_GOTO: u32 = 2;
export const T_RETURN: u32 = 3;
export const T_MARK_OR: u32 = 4;
export const T_MARK_XOR: u32 = 5;
export const T_ACCEPT: u32 = 6;
export const T_DROP: u32 = 7;
export const T_REJECT: u32 = 8;
export const T_DNAT: u32 = 9;
export const T_MASQUERADE: u32 = 10;

export const EXT_STRIDE: usize = 32;
export const EXT_KIND: usize = 0;
export const EXT_FLAGS: usize = 4;
export const EXT_A0: usize = 8;
export const EXT_A1: usize = 12;
export const EXT_A2: usize = 16;
export const EXT_A3: usize = 20;
export const EXT_SECONDS: usize = 24;

/** Ext match kinds. */
export const E_PROTO: u32 = 1;
export const E_MARK: u32 = 2;
export const E_RANDOM: u32 = 3;
export const E_NTH: u32 = 4;
export const E_RECENT: u32 = 5;
export const E_ADDRTYPE: u32 = 6;
export const E_CONNTRACK: u32 = 7;

/** EXT_FLAGS bits. */
export const EF_INV: u32 = 1;
export const EF_DPORT_INV: u32 = 2;
export const EF_SPORT_INV: u32 = 4;
export const EF_SET: u32 = 8;
export const EF_REAP: u32 = 16;
export const EF_SRC: u32 = 32;

/** Conntrack state bits of a flow (`--ctstate`). A new flow is NEW, plus DNAT once DNATed. */
export const CT_NEW: u32 = 1;
export const CT_ESTABLISHED: u32 = 2;
export const CT_RELATED: u32 = 4;
export const CT_INVALID: u32 = 8;
export const CT_DNAT: u32 = 16;

/** Netfilter's jump stack: the 65th nested jump drops the packet. */
export const JUMP_STACK_DEPTH: i32 = 64;

// ╒══════ recent list (RECENT_LIST_STRIDE bytes, one per --name, in an arena built by load) ══════╕
//  0        8                        408                       1208                     2008
// │ count  │ keys: u32[RECENT_CAPACITY] │ seq: u64[RECENT_CAPACITY] │ ts: f64[RECENT_CAPACITY] │
// Entries are unordered; the LRU order is `seq` (a global counter stamped by every --set), so
// the least recently updated entry is the one with the smallest seq.
export const RECENT_CAPACITY: i32 = 100;
export const RECENT_COUNT: usize = 0;
export const RECENT_KEYS: usize = 8;
export const RECENT_SEQ: usize = 408;
export const RECENT_TS: usize = 1208;
export const RECENT_LIST_STRIDE: usize = 2008;

/** Status codes of the entry points. */
export const OK: i32 = 0;
export const E_NOT_LOADED: i32 = -1;
export const E_BAD_IMAGE: i32 = -2;
