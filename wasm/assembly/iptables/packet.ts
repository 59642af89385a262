// Per-flow packet state of the flow being decided: header fields (the destination changes on
// DNAT), skb mark, conntrack state, random draws used and rules evaluated. Globals, so the walk
// and the match predicates share them without passing a context pointer.

export let pktSrc: u32 = 0;
export let pktDst: u32 = 0;
export let pktSport: u32 = 0;
export let pktDport: u32 = 0;
export let pktProto: u32 = 0;
/** Flow index: the key of the flow's counter-based random draws. */
export let pktIndex: u32 = 0;
/** Flow start in seconds: "now" for `-m recent`. */
export let pktNow: f64 = 0;
export let pktMark: u32 = 0;
/** Random matches evaluated so far for this flow: the draw index of the next one. */
export let pktDraws: u32 = 0;
/** CT_* bits. */
export let pktCt: u32 = 0;
export let pktEndpoint: i32 = -1;
/** Rules visited in every walk of this flow, implicit end-of-chain rules included. */
export let pktRules: u32 = 0;
/** streamKey(seed, RandomDomain.DECISION), set at load. */
export let decisionKey: u32 = 0;

/** Sets the DECISION stream key (load time). */
export function setDecisionKey(key: u32): void {
  decisionKey = key;
}

/** Starts a new flow: header fields, mark 0, state NEW, nothing drawn, no rule visited. */
// @ts-ignore: decorator
@inline export function packetBegin(src: u32, dst: u32, sport: u32, dport: u32, proto: u32, index: u32, now: f64, ctNew: u32): void {
  pktSrc = src;
  pktDst = dst;
  pktSport = sport;
  pktDport = dport;
  pktProto = proto;
  pktIndex = index;
  pktNow = now;
  pktMark = 0;
  pktDraws = 0;
  pktCt = ctNew;
  pktEndpoint = -1;
  pktRules = 0;
}

/** Counts `n` more rules visited. */
// @ts-ignore: decorator
@inline export function countRules(n: u32): void {
  pktRules += n;
}

/** Applies a MARK target. */
// @ts-ignore: decorator
@inline export function markOr(v: u32): void {
  pktMark |= v;
}

/** Applies a MARK --xor-mark target. */
// @ts-ignore: decorator
@inline export function markXor(v: u32): void {
  pktMark ^= v;
}

/** Takes the next random draw index of this flow. */
// @ts-ignore: decorator
@inline export function nextDraw(): u32 {
  return pktDraws++;
}

/** DNAT: rewrites the destination and records the endpoint; conntrack now shows DNAT. */
// @ts-ignore: decorator
@inline export function dnat(ip: u32, port: u32, endpoint: i32, ctDnat: u32): void {
  pktDst = ip;
  pktDport = port;
  pktEndpoint = endpoint;
  pktCt |= ctDnat;
}
