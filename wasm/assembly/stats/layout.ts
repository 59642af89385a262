// Exact counters of one shard of one case (SPEC 4), laid out for the host to read in one view.
//
// ╒═══════════════════════ Stats block (u64 words) ═══════════════════════╕
//  word 0  nomatch   1 dnat      2 reject    3 ok        4 failed   (words 0…2 indexed by verdict code)
//       5  workSum   6 workMax   7 extraSum  8 digest    9 flows      10 packets
//
// Beside it, arrays the host sizes: per-endpoint new-flow counts (u32 per global endpoint id) and
// the work histogram (u32 per work value 0 … bins−2; the last bin counts everything larger).

export const STATS_WORDS: i32 = 11;
export const STATS_NOMATCH: i32 = 0;
export const STATS_DNAT: i32 = 1;
export const STATS_REJECT: i32 = 2;
export const STATS_OK: i32 = 3;
export const STATS_FAILED: i32 = 4;
export const STATS_WORK_SUM: i32 = 5;
export const STATS_WORK_MAX: i32 = 6;
export const STATS_EXTRA_SUM: i32 = 7;
export const STATS_DIGEST: i32 = 8;
export const STATS_FLOWS: i32 = 9;
export const STATS_PACKETS: i32 = 10;
