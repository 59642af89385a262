// kube-proxy's chain names (dataplane.md 2.2): a fixed prefix plus the first 16 characters of the
// RFC 4648 base32 text of SHA-256(servicePortName + protocol [+ "IP:port"]).

import { hash } from 'node:crypto';
import { endpointString } from '../model/endpoint-order.js';
import type { Endpoint, Service } from '../model/cluster.js';

/** RFC 4648 base32 alphabet (A–Z2–7) as character codes. */
const BASE32 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'].map((c) => c.charCodeAt(0));

/** Appends the base32 of the 5 digest bytes at `d[o]` (8 characters, 5 bits each, MSB first). */
function base32Group(d: string, o: number, out: number[]): void {
  const c = BASE32;
  const b0 = d.charCodeAt(o), b1 = d.charCodeAt(o + 1), b2 = d.charCodeAt(o + 2), b3 = d.charCodeAt(o + 3), b4 = d.charCodeAt(o + 4);
  out.push(
    c[b0 >> 3]!, c[((b0 & 7) << 2) | (b1 >> 6)]!, c[(b1 >> 1) & 31]!, c[((b1 & 1) << 4) | (b2 >> 4)]!,
    c[((b2 & 15) << 1) | (b3 >> 7)]!, c[(b3 >> 2) & 31]!, c[((b3 & 3) << 3) | (b4 >> 5)]!, c[b4 & 31]!,
  );
}

/** Character codes of a name under construction; reused, since ~200k names are built per compile. */
const scratch: number[] = [];

function startName(prefix: string): number[] {
  scratch.length = 0;
  for (let i = 0; i < prefix.length; i++) scratch.push(prefix.charCodeAt(i));
  return scratch;
}

/**
 * `prefix` + hash16(input), built as one flat string: V8 would keep `prefix + hash` as a two-piece
 * rope, and chain names are compared (sorting) and copied many times. The digest comes as 'binary'
 * (latin1) text, one character per byte: allocating a Buffer per hash costs more than the hash.
 */
export function hashedName(prefix: string, input: string): string {
  const d = hash('sha256', input, 'binary');
  const out = startName(prefix);
  // 16 characters are 80 bits: exactly the first 10 digest bytes, so no padding is involved.
  base32Group(d, 0, out);
  base32Group(d, 5, out);
  return String.fromCharCode(...out);
}

/** First 16 characters of base32(SHA-256(s)), alphabet A–Z2–7 (Go `base32.StdEncoding`). */
export function hash16(s: string): string {
  return hashedName('', s);
}

/** `prefix` + an existing hash as one flat string (see hashedName). */
function flatConcat(prefix: string, h: string): string {
  const out = startName(prefix);
  for (let i = 0; i < h.length; i++) out.push(h.charCodeAt(i));
  return String.fromCharCode(...out);
}


// Services are immutable model objects, so their hash can be kept beside them; KUBE-SVC, KUBE-EXT
// (and KUBE-SVL/KUBE-FW) share it, so one SHA-256 serves every per-service chain.
const serviceHashes = new WeakMap<Service, string>();

/** The 16-character hash shared by a service port's KUBE-SVC/-EXT/-SVL/-FW chains (memoised). */
export function serviceHash(svc: Service): string {
  let h = serviceHashes.get(svc);
  if (h === undefined) {
    h = hash16(svc.name + svc.protocol);
    serviceHashes.set(svc, h);
  }
  return h;
}

/** `KUBE-SVC-` + hash16(servicePortName + protocol): the Cluster-policy dispatch chain. */
export function serviceChainName(svc: Service): string {
  return flatConcat('KUBE-SVC-', serviceHash(svc));
}

/** `KUBE-EXT-` + the service hash: the chain NodePort (external) traffic enters. */
export function externalChainName(svc: Service): string {
  return flatConcat('KUBE-EXT-', serviceHash(svc));
}

/**
 * `KUBE-SEP-` + hash16(servicePortName + protocol + "IP:port"). `epString` may be passed when the
 * caller already built `endpointString(ep)` (it is also the sort key), to avoid formatting twice.
 */
export function endpointChainName(svc: Service, ep: Endpoint, epString: string = endpointString(ep)): string {
  return hashedName('KUBE-SEP-', svc.name + svc.protocol + epString);
}
