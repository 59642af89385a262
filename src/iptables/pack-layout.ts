// Host mirror of wasm/assembly/iptables/layout.ts: the packed ruleset image (see the diagrams
// there: AoS rule records, then the destination prefilter the scan reads — PF_KEY u32 per rule and
// the PF_WILD bitmap — then extension records, local addresses and PF_WILD). test/iptables/engine-units.test.ts checks these against iptablesLayoutConstant().

/** Rules per SIMD scan step; rule arrays are padded to a multiple of it plus one more block. */
export const SCAN_BLOCK = 16;
/** Bytes of the image header (u32 words). */
export const HEADER_BYTES = 64;
/** Byte offsets of the header words. */
export const H_RULE_CAP = 0;
export const H_RULE_COUNT = 4;
export const H_EXT_COUNT = 8;
export const H_LIST_COUNT = 12;
export const H_LOCAL_COUNT = 16;
export const H_NAT_ENTRY = 20;
export const H_NAT_POLICY = 24;
export const H_INPUT_ENTRY = 28;
export const H_INPUT_POLICY = 32;
export const H_FORWARD_ENTRY = 36;
export const H_FORWARD_POLICY = 40;
/** Header entry/policy value of a missing built-in chain. */
export const NO_CHAIN = -1;

/** Bytes per rule record (one cache line; the image is placed 64-byte aligned), and offsets. */
export const RULE_STRIDE = 64;
export const RULE_DST_NET = 0;
export const RULE_DST_MASK = 4;
export const RULE_SRC_NET = 8;
export const RULE_SRC_MASK = 12;
export const RULE_PROTO = 16;
export const RULE_DPORT = 20;
export const RULE_SPORT = 24;
export const RULE_FLAGS = 28;
export const RULE_EXT_FIRST = 32;
export const RULE_EXT_COUNT = 36;
export const RULE_TARGET = 40;
export const RULE_ARG0 = 44;
export const RULE_ARG1 = 48;
export const RULE_ARG2 = 52;
/** Alignment the image needs in WASM memory so each rule record is one cache line. */
export const IMAGE_ALIGN = 64;

/** RULE_FLAGS bits. */
export const RF_DST_INV = 1;
export const RF_SRC_INV = 2;
export const RF_DPORT_INV = 4;
export const RF_SPORT_INV = 8;
/** The fixed part tests something; clear when -d, -s, -p and the ports match every packet. */
export const RF_FIXED = 16;

/** Target kinds (RULE_TARGET). */
export const T_NONE = 0;
export const T_JUMP = 1;
export const T_GOTO = 2;
export const T_RETURN = 3;
export const T_MARK_OR = 4;
export const T_MARK_XOR = 5;
export const T_ACCEPT = 6;
export const T_DROP = 7;
export const T_REJECT = 8;
export const T_DNAT = 9;
export const T_MASQUERADE = 10;

/** Bytes per extension match record, and byte offsets inside one. */
export const EXT_STRIDE = 32;
export const EXT_KIND = 0;
export const EXT_FLAGS = 4;
export const EXT_A0 = 8;
export const EXT_A1 = 12;
export const EXT_A2 = 16;
export const EXT_A3 = 20;
export const EXT_SECONDS = 24;

/** Extension match kinds. */
export const E_PROTO = 1;
export const E_MARK = 2;
export const E_RANDOM = 3;
export const E_NTH = 4;
export const E_RECENT = 5;
export const E_ADDRTYPE = 6;
export const E_CONNTRACK = 7;

/** EXT_FLAGS bits. */
export const EF_INV = 1;
export const EF_DPORT_INV = 2;
export const EF_SPORT_INV = 4;
export const EF_SET = 8;
export const EF_REAP = 16;
export const EF_SRC = 32;

/** Conntrack state bits (`--ctstate`). */
export const CT_NEW = 1;
export const CT_ESTABLISHED = 2;
export const CT_RELATED = 4;
export const CT_INVALID = 8;
export const CT_DNAT = 16;

/** Nested jumps the kernel's jump stack holds; one more drops the packet. */
export const JUMP_STACK_DEPTH = 64;
/** Entries per `-m recent` list before LRU eviction (xt_recent ip_list_tot). */
export const RECENT_CAPACITY = 100;
/** Bytes of one recent list in the WASM arena. */
export const RECENT_LIST_STRIDE = 2008;

/** Ids accepted by the WASM export iptablesLayoutConstant(id), with the value each must have. */
export const LAYOUT_CONSTANT_IDS: readonly (readonly [id: number, value: number])[] = [
  [0, HEADER_BYTES],
  [1, RULE_STRIDE],
  [2, EXT_STRIDE],
  [3, SCAN_BLOCK],
  [4, RECENT_CAPACITY],
  [5, JUMP_STACK_DEPTH],
  [6, RECENT_LIST_STRIDE],
];
