// Host mirror of wasm/assembly/layout.ts (checked against the module's exports by a test).

/** Bytes per flow record in WASM memory. */
export const FLOW_STRIDE = 48;
/** Byte offsets inside a flow record. */
export const FLOW_SRC_IP = 0;
export const FLOW_DST_IP = 4;
export const FLOW_SRC_PORT = 8;
export const FLOW_DST_PORT = 10;
export const FLOW_PROTO = 12;
export const FLOW_INDEX = 16;
export const FLOW_START = 24;
export const FLOW_DURATION = 32;
export const FLOW_PACKETS = 40;

/** Bytes per result record in WASM memory. */
export const RESULT_STRIDE = 16;
/** Byte offsets inside a result record. */
export const RESULT_VERDICT = 0;
export const RESULT_ENDPOINT = 4;
export const RESULT_WORK = 8;
export const RESULT_EXTRA = 12;

/** Verdict codes shared with WASM. */
export const VERDICT_NOMATCH = 0;
export const VERDICT_DNAT = 1;
export const VERDICT_REJECT = 2;
/** Endpoint field value when no endpoint took the flow. */
export const NO_ENDPOINT = -1;
