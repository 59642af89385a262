// Hashes of the IPVS model: the kernel's hash_32 (dh/sh buckets, include/linux/hash.h), the
// kernel's 64-bit hsiphash = SipHash-1-3 truncated to 32 bits (mh, lib/siphash.c; dataplane.md
// 1.11), and our own mixers for the virtual-service, connection and template tables.

/** GOLDEN_RATIO_32 of include/linux/hash.h. */
export const GOLDEN_RATIO_32: u32 = 0x61c88647;

/** hash_32(v, bits): the top `bits` bits of v · GOLDEN_RATIO_32 mod 2^32. */
// @ts-ignore: decorator
@inline export function hash32(v: u32, bits: u32): u32 {
  return (v * GOLDEN_RATIO_32) >>> (32 - bits);
}

/** mh hash keys (ip_vs_mh.c generate_hash_secret): fixed, so every node builds the same table. */
export const MH_HASH1: u64 = 2654435761;
export const MH_HASH2: u64 = 2654446892;

/**
 * hsiphash of one 4-byte value on a 64-bit kernel: SipHash-1-3 with the key {k, k}, message word
 * (4 << 56) | v, output the low 32 bits of v0^v1^v2^v3.
 */
export function hsiphash32(v: u32, k0: u64, k1: u64): u32 {
  let v0: u64 = 0x736f6d6570736575 ^ k0;
  let v1: u64 = 0x646f72616e646f6d ^ k1;
  let v2: u64 = 0x6c7967656e657261 ^ k0;
  let v3: u64 = 0x7465646279746573 ^ k1;
  const b: u64 = (<u64>4 << 56) | <u64>v;
  v3 ^= b;
  // round 0 compresses b; rounds 1…3 are the finalisation (after v0 ^= b, v2 ^= 0xff)
  for (let r = 0; r < 4; r++) {
    if (r == 1) {
      v0 ^= b;
      v2 ^= 0xff;
    }
    v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
    v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
  }
  return <u32>((v0 ^ v1) ^ (v2 ^ v3));
}

/** ip_vs_mh_hashkey for IPv4: hsiphash over (offset + port + addr) mod 2^32 (host order). */
// @ts-ignore: decorator
@inline export function mhHashkey(addr: u32, port: u32, key: u64, offset: u32): u32 {
  return hsiphash32(offset + port + addr, key, key);
}

/** murmur3's 32-bit finaliser: our own table hash (not the kernel's jhash with a boot-time secret). */
// @ts-ignore: decorator
@inline export function fmix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >>> 16);
}

/** Bucket hash of a client tuple (connection table). */
// @ts-ignore: decorator
@inline export function tupleHash(proto: u32, src: u32, sport: u32, dst: u32, dport: u32): u32 {
  return fmix32(src * 0x9e3779b1 ^ ((sport << 16) | dport) * 0x85ebca77 ^ dst * 0xc2b2ae3d ^ proto);
}
