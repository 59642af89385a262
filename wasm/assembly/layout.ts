// Record layouts shared by every engine; src/wasm/layout.ts mirrors these numbers and a test
// checks them against the exported values.
//
// ╒════════════════════════ Flow record (48 bytes) ═════════════════════════╕
//  0       4       8     10    12      16      20      24              32              40      44   48
// │ srcIp │ dstIp │sport│dport│ proto │ index │  pad  │ start (f64 s) │ duration (f64)│packets│ pad │
//
// ╒══════════ Result record (16 bytes) ══════════╕
//  0         4           8        12        16
// │ verdict │ endpoint  │ work   │ extra   │      endpoint = global endpoint id or -1
//                                                  work = rules / dests scanned / lookups / attempts

export const FLOW_STRIDE: usize = 48;
export const FLOW_SRC_IP: usize = 0;
export const FLOW_DST_IP: usize = 4;
export const FLOW_SRC_PORT: usize = 8;
export const FLOW_DST_PORT: usize = 10;
export const FLOW_PROTO: usize = 12;
export const FLOW_INDEX: usize = 16;
export const FLOW_START: usize = 24;
export const FLOW_DURATION: usize = 32;
export const FLOW_PACKETS: usize = 40;

export const RESULT_STRIDE: usize = 16;
export const RESULT_VERDICT: usize = 0;
export const RESULT_ENDPOINT: usize = 4;
export const RESULT_WORK: usize = 8;
export const RESULT_EXTRA: usize = 12;

/** Verdict codes (SPEC 3). */
export const VERDICT_NOMATCH: u32 = 0;
export const VERDICT_DNAT: u32 = 1;
export const VERDICT_REJECT: u32 = 2;

export const NO_ENDPOINT: i32 = -1;
