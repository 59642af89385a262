// IPVS engine records and arenas: every stride and offset of the virtual-service table, services,
// destinations, connections, persistence templates and the expiry wheel. Accessors in service.ts,
// table.ts, conn.ts and persist.ts only ever use these names.
//
// ╒════════════════ Virtual-service table slot (16 bytes, open addressing) ════════════════╕
//  0          4                     8           12         16
// │ vip u32  │ port<<8 | proto u32 │ svc i32   │ pad      │      svc = -1: empty slot
//
// ╒════════════════════════════ Service record (64 bytes) ════════════════════════════╕
//  0      4     6     7      8       12         16        20       24             32
// │ vip  │port │proto│sched │flags  │destFirst │destCount│destCap │ timeout f64  │
//  32       36    40    44    48          52         56        60   64
// │cursor  │ cw  │ mw  │ di  │table ptr  │ destBase │ dirty   │pad │
//   dests of one service occupy [destBase, destBase + destCap); the list is the contiguous range
//   [destFirst, destFirst + destCount): adding at the head is destFirst -= 1 (kernel list_add_rcu).
//   cursor = list position of rr/wrr's `cl`, -1 = the list head itself.
//   table = dh/sh 256 × i32 or mh 4093 × i32 global dest indices (NO_DEST = empty bucket).
//
// ╒══════════════════════════ Destination record (32 bytes) ══════════════════════════╕
//  0          4      8      10    12       16           20        24          28        32
// │endpoint  │ ip   │port  │pad  │weight  │lastWeight  │active   │inactive   │flags    │
//
// ╒══════════════════════════ Connection record (40 bytes) ═══════════════════════════╕
//  0           4      8      12        16    20    24     26     28    29    30   32            40
// │wheelNext  │dest  │tmpl  │tmplGen  │src  │dst  │sport │dport │proto│state│pad │ event f64   │
//   Records live in a ring swept by an allocation cursor (so records are laid out roughly in
//   creation order and expire roughly in that order); state 0 = free. wheelNext chains the wheel
//   slot of the record's next state change, due at `event` seconds.
//
// ╒════ Connection index slot (8 bytes, open addressing, linear probing) ════╕
//  0        4                 8
// │ conn   │ goneQ u32       │     conn = -1: never used; goneQ = ⌈goneAt · 256⌉ (saturating)
//   A connection's gone time is known when it opens, so a slot frees itself once
//   goneQ ≤ ⌊now · 256⌋ (then certainly goneAt ≤ now): expiry never touches the index, and
//   inserts reuse expired slots. Lookups confirm liveness and the tuple on the record.
//
// ╒══════════════════════ Persistence template record (32 bytes) ══════════════════════╕
//  0       4         8      12      16               24            28      32
// │ next  │ client  │ svc  │ dest  │ lastUse f64    │ controlled  │ gen   │
//
// Expiry wheel: 2^WHEEL_BITS slot heads (i32 connection index, -1 empty) plus a bitmap of
// non-empty slots; slot = floor(event · 2^tickBits) mod 2^WHEEL_BITS.

export const VS_SLOT_STRIDE: usize = 16;
export const VS_SLOT_SHIFT: usize = 4;
export const VS_VIP: usize = 0;
export const VS_PORTPROTO: usize = 4;
export const VS_SVC: usize = 8;

export const SVC_STRIDE: usize = 64;
export const SVC_SHIFT: usize = 6;
export const SVC_VIP: usize = 0;
export const SVC_PORT: usize = 4;
export const SVC_PROTO: usize = 6;
export const SVC_SCHED: usize = 7;
export const SVC_FLAGS: usize = 8;
export const SVC_DEST_FIRST: usize = 12;
export const SVC_DEST_COUNT: usize = 16;
export const SVC_DEST_CAP: usize = 20;
export const SVC_TIMEOUT: usize = 24;
export const SVC_CURSOR: usize = 32;
export const SVC_CW: usize = 36;
export const SVC_MW: usize = 40;
export const SVC_DI: usize = 44;
export const SVC_TABLE: usize = 48;
export const SVC_DEST_BASE: usize = 52;

export const DEST_STRIDE: usize = 32;
export const DEST_SHIFT: usize = 5;
export const DEST_ENDPOINT: usize = 0;
export const DEST_IP: usize = 4;
export const DEST_PORT: usize = 8;
export const DEST_WEIGHT: usize = 12;
export const DEST_LAST_WEIGHT: usize = 16;
export const DEST_ACTIVE: usize = 20;
export const DEST_INACTIVE: usize = 24;
export const DEST_FLAGS: usize = 28;

export const CONN_STRIDE: usize = 40;
export const CONN_WHEEL_NEXT: usize = 0;
export const CONN_DEST: usize = 4;
export const CONN_TMPL: usize = 8;
export const CONN_TMPL_GEN: usize = 12;
export const CONN_SRC: usize = 16;
export const CONN_DST: usize = 20;
export const CONN_SPORT: usize = 24;
export const CONN_DPORT: usize = 26;
export const CONN_PROTO: usize = 28;
export const CONN_STATE: usize = 29;
export const CONN_EVENT: usize = 32;

export const CIDX_STRIDE: usize = 8;
export const CIDX_SHIFT: usize = 3;
export const CIDX_CONN: usize = 0;
export const CIDX_GONE: usize = 4;
/** Quantum of index gone times: 1/256 s (u32 covers 194 days of simulated time). */
export const CIDX_GONE_SCALE: f64 = 256;

export const TMPL_STRIDE: usize = 32;
export const TMPL_SHIFT: usize = 5;
export const TMPL_NEXT: usize = 0;
export const TMPL_CLIENT: usize = 4;
export const TMPL_SVC: usize = 8;
export const TMPL_DEST: usize = 12;
export const TMPL_LAST_USE: usize = 16;
export const TMPL_CONTROLLED: usize = 24;
export const TMPL_GEN: usize = 28;

/** Service flags, as the kernel numbers them (include/uapi/linux/ip_vs.h). */
export const SVC_F_PERSISTENT: u32 = 0x0001;
/** sh-fallback / mh-fallback (IP_VS_SVC_F_SCHED1). */
export const SVC_F_SCHED1: u32 = 0x0008;
/** sh-port / mh-port (IP_VS_SVC_F_SCHED2). */
export const SVC_F_SCHED2: u32 = 0x0010;

/** Destination flags: SERVING is ours (SPEC 2.1); OVERLOAD mirrors IP_VS_DEST_F_OVERLOAD (never set). */
export const DEST_F_SERVING: u32 = 0x0001;
export const DEST_F_OVERLOAD: u32 = 0x0002;

/** Connection states: the next wheel event moves ACTIVE → INACTIVE, INACTIVE → gone (FREE). */
export const CONN_FREE: u8 = 0;
export const CONN_ACTIVE: u8 = 1;
export const CONN_INACTIVE: u8 = 2;

export const PROTO_TCP: u32 = 6;
export const PROTO_UDP: u32 = 17;
export const PROTO_SCTP: u32 = 132;

/** dh/sh bucket tables: 2^8 entries (CONFIG_IP_VS_{DH,SH}_TAB_BITS = 8). */
export const HT_TAB_BITS: u32 = 8;
export const HT_TAB_SIZE: i32 = 256;
export const HT_TAB_MASK: u32 = 255;
/** mh lookup table: M = primes[12 − 8] = 4093; IP_VS_MH_TAB_BITS = 12 / 2. */
export const MH_TAB_SIZE: i32 = 4093;
export const MH_TAB_BITS: i32 = 6;

/** TCP SYN_RECV timeout: a connection to a non-serving endpoint never becomes ESTABLISHED (SPEC 3). */
export const SYN_RECV_TIMEOUT: f64 = 60;

/** Status codes of the build entry points. */
export const OK: i32 = 0;
export const E_CAPACITY: i32 = -1;
export const E_UNKNOWN_SCHEDULER: i32 = -2;
export const E_STATE: i32 = -3;
