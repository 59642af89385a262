// The decision digest in plain TypeScript (BigInt): the same per-flow term as
// wasm/assembly/stats/accumulate.ts, summed mod 2^64 so any split of the flows merges to one value.

const MASK64 = 0xffffffffffffffffn;

function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The digest term of one decision: flow index, verdict code, global endpoint id (−1 for none). */
export function decisionHash(flow: number, verdict: number, endpoint: number): bigint {
  const ep = BigInt((endpoint + 1) >>> 0);
  return mix64(((BigInt(flow) * 0x9e3779b97f4a7c15n) & MASK64) ^ ((ep << 8n) | BigInt(verdict)));
}

/** A 64-bit digest as reports carry it: 16 hex digits. */
export function digestHex(x: bigint): string {
  return (x & MASK64).toString(16).padStart(16, '0');
}

/** Two digests merged: their sum mod 2^64, so any split of the flows gives one value. */
export function addDigests(a: string, b: string): string {
  return digestHex(BigInt('0x' + a) + BigInt('0x' + b));
}

/** Sums digest terms mod 2^64 and formats the result as 16 hex digits. */
export function digestOf(terms: Iterable<bigint>): string {
  let sum = 0n;
  for (const t of terms) sum = (sum + t) & MASK64;
  return digestHex(sum);
}
