// IPVS engine records and arenas: every stride and offset of the virtual-service table (which holds
// the service records), destinations, the connection index, persistence templates, the expiry wheel
// and the closing queues. Accessors in service.ts, table.ts, conn.ts, conn-index.ts, expiry.ts,
// closing.ts and persist.ts only ever use these names.
//
// ╒══ Virtual-service table = service records (32 bytes a slot: all an rr, lc, wlc, sed, nq, dh, sh or mh decision reads) ══╕
//  0      4     6     7      8       12         16         20       24    28          32
// │ vip  │port │proto│sched │flags  │destFirst │destCount │cursor  │ cw  │table ptr  │
//   Open addressing with linear probing over 2^bits slots (load ≤ 1/2): a service's record IS its
//   table slot, so a lookup lands on what the decision reads, and the service index is the slot.
//   The key (vip, port, proto) is the first 7 bytes, compared as one masked 8-byte word; proto 0
//   marks an empty slot (no protocol number kube-proxy programs is 0).
// ╒══════════ Service cold record (32 bytes, same slot index in its own array) ══════════╕
//  0              8         12         16    20    24    32
// │ timeout f64  │destCap  │destBase  │ mw  │ di  │pad  │
//   Two service records to a cache line. wrr also reads mw/di, and a persistent service its
//   timeout, from the cold record.
//   dests of one service occupy [destBase, destBase + destCap); the list is the contiguous range
//   [destFirst, destFirst + destCount): adding at the head is destFirst -= 1 (kernel list_add_rcu).
//   cursor = list position of rr/wrr's `cl`, -1 = the list head itself.
//   table = dh/sh 256 × i32 or mh 4093 × i32 global dest indices (NO_DEST = empty bucket).
//
// ╒═══════════════ Destination record (16 bytes) ═══════════════╕  ╒═ Destination cold record (8 bytes) ═╕
//  0          4        6        8          12          16          0      4      6            8
// │endpoint  │weight  │flags   │ active   │ inactive   │           │ ip   │port  │lastWeight  │
//   What a decision reads of a destination (availability, the endpoint it answers, the counts lc,
//   wlc, sed and nq compare, the active count a new connection raises) is one record, one miss;
//   the cold record (address and last_weight: mh's table build, ipvsadm) sits at the same index
//   apart. Weights are the kernel's 0…65535; only the core writes the counts (conn.ts, expiry.ts).
//
// A connection is the end of its active part (an expiry event) or, once that has passed, an entry
// in a closing queue (both below), and one entry in the established-path index's log. Nothing in a
// new-flow decision reads the index.
//
// ╒══════════════ Connection log entry (32 bytes, 2 per cache line; conn-index.ts) ══════════════╕
//  0            8      12     16      18      20      21     24      28      32
// │ gone f64   │ src  │ dst  │sport  │dport  │proto  │pad   │ dest  │ hash  │
//   gone: when the connection is gone (exact; live ⇔ gone > now). hash: tupleHash of the tuple.
//   A generation's log holds its entries in the order the connections opened.
//
// ╒═ Index slot (4 bytes) ═╕   a generation's hash table over its log, linear probing
//  0            2          4
// │ place + 1  │ hash tag  │   place = the entry's index in the log; 0 = empty slot;
//                              tag = the low 16 bits of the hash (the home slot is its top bits)
//
// ╒════════════ Index generation (32 bytes) ════════════╕
//  0      4        8         12     16          20     24              32
// │ log  │ table  │ filter  │ put  │committed  │ pad  │ maxGone f64   │
//   put: entries appended to its log; committed: those of them whose slots are in the table;
//   maxGone: when its last committed connection is gone.
//
// ╒═════ Expiry event (16 bytes) ═════╕        ╒═════ Event chunk (4096 bytes: one page) ═════╕
//  0            8                  12    16    0      4       8      16                     4096
// │ time f64   │ dest << 1 | kind  │pad │      │ next │ count │ pad  │ events[255] …           │
//   The end of a connection's active part: kind EV_TCP_END (active → inactive, then the FIN
//   timeout) or EV_UDP_END (the UDP timeout). What follows an end goes to a closing queue.
//   Chunks come from one pool (free list through `next`); an event list is a chain of chunks,
//   appended at its tail. A chunk is a page: draining a list written minutes ago costs one
//   dependent miss (and one TLB miss) per 255 events, and the rest streams.
//
// ╒═════ Event list head (16 bytes) ═════╕
//  0        4        8         12     16
// │ head   │ tail   │ count   │ pad  │   chunk addresses, 0 = empty list; count = events held (near lists only)
//
// ╒═ Closing entry (16 bytes) ═╕   ╒═════════ Closing block (32 bytes) ═════════╕
//  0            8      12    16     0      4        8           16           24     32
// │ gone f64   │ dest │pad  │      │ end  │sorted  │ min f64    │ max f64    │ pad  │
//   closing.ts: a queue of connections whose gone time is a fixed timeout after something already
//   past, entries and blocks addressed by sequence numbers. A block is the entries appended between
//   two advances (end = the sequence number after its last entry).
//
// ╒════════════════════════════ Closing queue (80 bytes) ════════════════════════════╕
//  0      4       8      12     16       20      24      28      32         40         48         56         64           68     80
// │pages │pmask  │head  │tail  │blocks  │bmask  │bhead  │btail  │nextDue   │timeout   │openMin   │openMax   │openSorted  │pad   │
//   entries [head, tail), in pages of PAGE_ENTRIES: entry s is entry s % PAGE_ENTRIES of the page
//   named at pages[(s >> PAGE_BITS) & pmask]; blocks [bhead, btail) at blocks[b & bmask]; the open
//   block (appended since the last advance, not yet a block) is [end of the last block, tail);
//   nextDue: no entry is due before it.
//
// Expiry wheel (expiry.ts), two levels: 2^wheelBits far slots of 2^-tickBits s and NEAR_SLOTS near
// slots spanning the current far slot (event lists); the current near slot's events sorted into one
// run of events (16 bytes each, as above).

export const SVC_STRIDE: usize = 32;
export const SVC_SHIFT: usize = 5;
export const SVC_VIP: usize = 0;
export const SVC_PORT: usize = 4;
export const SVC_PROTO: usize = 6;
export const SVC_SCHED: usize = 7;
export const SVC_FLAGS: usize = 8;
export const SVC_DEST_FIRST: usize = 12;
export const SVC_DEST_COUNT: usize = 16;
export const SVC_CURSOR: usize = 20;
export const SVC_CW: usize = 24;
export const SVC_TABLE: usize = 28;
/** The key's bytes in the 8-byte word at SVC_VIP: vip, port, proto (not sched). */
export const SVC_KEY_MASK: u64 = 0x00ff_ffff_ffff_ffff;
/** Where the proto byte sits in that word: 0 there is an empty slot. */
export const SVC_KEY_PROTO_SHIFT: u64 = 48;
export const SVC_COLD_STRIDE: usize = 32;
export const SVC_TIMEOUT: usize = 0;
export const SVC_DEST_CAP: usize = 8;
export const SVC_DEST_BASE: usize = 12;
export const SVC_MW: usize = 16;
export const SVC_DI: usize = 20;

export const DEST_STRIDE: usize = 16;
export const DEST_SHIFT: usize = 4;
export const DEST_ENDPOINT: usize = 0;
export const DEST_WEIGHT: usize = 4;
export const DEST_FLAGS: usize = 6;
export const DEST_ACTIVE: usize = 8;
export const DEST_INACTIVE: usize = 12;
export const DEST_COLD_STRIDE: usize = 8;
export const DEST_IP: usize = 0;
export const DEST_PORT: usize = 4;
export const DEST_LAST_WEIGHT: usize = 6;


export const CLOG_STRIDE: usize = 32;
export const CLOG_SHIFT: usize = 5;
export const CLOG_GONE: usize = 0;
export const CLOG_SRC: usize = 8;
export const CLOG_DST: usize = 12;
export const CLOG_SPORT: usize = 16;
export const CLOG_DPORT: usize = 18;
export const CLOG_PROTO: usize = 20;
export const CLOG_DEST: usize = 24;
export const CLOG_HASH: usize = 28;
export const GEN_STRIDE: usize = 32;
export const GEN_SHIFT: usize = 5;
export const GEN_LOG: usize = 0;
export const GEN_TABLE: usize = 4;
export const GEN_FILTER: usize = 8;
export const GEN_PUT: usize = 12;
export const GEN_COMMITTED: usize = 16;
export const GEN_MAX_GONE: usize = 24;

export const EV_STRIDE: usize = 16;
export const EV_SHIFT: usize = 4;
export const EV_TIME: usize = 0;
export const EV_WORD: usize = 8;
export const EV_UDP_END: u32 = 0;
export const EV_TCP_END: u32 = 1;

export const CLOSE_STRIDE: usize = 16;
export const CLOSE_SHIFT: usize = 4;
export const CLOSE_GONE: usize = 0;
export const CLOSE_DEST: usize = 8;
/** A closing page: 256 entries, 4096 bytes (a memory page). */
export const PAGE_BITS: u32 = 8;
export const PAGE_ENTRIES: u32 = 256;
export const PAGE_SIZE: usize = 4096;
export const BLOCK_STRIDE: usize = 32;
export const BLOCK_SHIFT: usize = 5;
export const BLOCK_END: usize = 0;
export const BLOCK_SORTED: usize = 4;
export const BLOCK_MIN: usize = 8;
export const BLOCK_MAX: usize = 16;
export const Q_STRIDE: usize = 80;
export const Q_PAGES: usize = 0;
export const Q_PMASK: usize = 4;
export const Q_HEAD: usize = 8;
export const Q_TAIL: usize = 12;
export const Q_BLOCKS: usize = 16;
export const Q_BMASK: usize = 20;
export const Q_BHEAD: usize = 24;
export const Q_BTAIL: usize = 28;
export const Q_NEXT_DUE: usize = 32;
export const Q_TIMEOUT: usize = 40;
export const Q_OPEN_MIN: usize = 48;
export const Q_OPEN_MAX: usize = 56;
export const Q_OPEN_SORTED: usize = 64;

export const CHUNK_SIZE: usize = 4096;
export const CHUNK_NEXT: usize = 0;
export const CHUNK_COUNT: usize = 4;
export const CHUNK_EVENTS: usize = 16;
export const CHUNK_CAP: i32 = 255;

export const LIST_STRIDE: usize = 16;
export const LIST_SHIFT: usize = 4;
export const LIST_HEAD: usize = 0;
export const LIST_TAIL: usize = 4;
export const LIST_COUNT: usize = 8;

/** Near slots per far slot: 2^6, so at the default 1 s far slots a near slot is 1/64 s. */
export const NEAR_BITS: i32 = 6;
export const NEAR_SLOTS: u32 = 64;
export const NEAR_MASK: u32 = 63;
/** Most parts the run's counting sort splits a near slot into (it takes about one per event). */
export const SUB_BITS_MAX: i32 = 14;

export const TMPL_STRIDE: usize = 32;
export const TMPL_SHIFT: usize = 5;
export const TMPL_NEXT: usize = 0;
export const TMPL_CLIENT: usize = 4;
export const TMPL_SVC: usize = 8;
export const TMPL_DEST: usize = 12;
export const TMPL_LAST_USE: usize = 16;
export const TMPL_LAST_GONE: usize = 24;

/** Service flags, as the kernel numbers them (include/uapi/linux/ip_vs.h). */
export const SVC_F_PERSISTENT: u32 = 0x0001;
/** sh-fallback / mh-fallback (IP_VS_SVC_F_SCHED1). */
export const SVC_F_SCHED1: u32 = 0x0008;
/** sh-port / mh-port (IP_VS_SVC_F_SCHED2). */
export const SVC_F_SCHED2: u32 = 0x0010;

/** Destination flags: SERVING is ours (SPEC 2.1); OVERLOAD mirrors IP_VS_DEST_F_OVERLOAD (never set). */
export const DEST_F_SERVING: u32 = 0x0001;
export const DEST_F_OVERLOAD: u32 = 0x0002;

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
/** A weight outside the kernel's 0…65535. */
export const E_WEIGHT: i32 = -4;
export const MAX_WEIGHT: i32 = 65535;
