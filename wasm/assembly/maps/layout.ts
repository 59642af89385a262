// Layouts of the service image shared by the nftables and userspace engines, and of the two hash
// tables they use. src/engines/service-image.ts mirrors these numbers; a test checks them against
// the exported values.
//
// ╒═════════════════════════ Service record (32 bytes) ══════════════════════════╕
//  0            4           8             12        16        20          24                32
// │ clusterIp  │ portKey   │ nodePortKey │ epFirst │ epCount │ rrIndex   │ affinity (f64 s) │
//   portKey = proto << 16 | port; nodePortKey = proto << 16 | nodePort, 0 = no NodePort
//   epFirst/epCount: the service's programmed endpoints in kube-proxy order (sorted "IP:port")
//   rrIndex: userspace round-robin cursor (engine state); affinity < 0: no ClientIP affinity
//
// ╒═══ Endpoint record (8 bytes) ═══╕
//  0              4            8
// │ global id    │ serving    │        serving: 1, or 0 for a dead but programmed pod
//
// ╒══════════ Bucket of four slots (64 bytes) ═══════════╕   (a, b) → (v0, v1); bucket-map.ts
//  0            16           32            48            64
// │ a[0..3]    │ b[0..3]    │ v0[0..3]    │ v1[0..3]    │   free slot: all ones (b = BM_FREE)
//
// ╒═══════════════ Client slot (24 bytes) ════════════════╕   (owner, client ip) → expiry, value
//  0        4           8                 16       20       24
// │ owner  │ clientIp  │ expires (f64 s) │ value │ used  │   live while now < expires

export const SVC_STRIDE: usize = 32;
export const SVC_CLUSTER_IP: usize = 0;
export const SVC_PORT_KEY: usize = 4;
export const SVC_NODE_PORT_KEY: usize = 8;
export const SVC_EP_FIRST: usize = 12;
export const SVC_EP_COUNT: usize = 16;
export const SVC_RR_INDEX: usize = 20;
export const SVC_AFFINITY: usize = 24;

export const EP_STRIDE: usize = 8;
export const EP_ID: usize = 0;
export const EP_SERVING: usize = 4;

export const BM_BUCKET_BYTES: usize = 64;
export const BM_BUCKET_SLOTS: u32 = 4;
export const BM_A: usize = 0;
export const BM_B: usize = 16;
export const BM_V0: usize = 32;
export const BM_V1: usize = 48;
export const BM_FREE: u32 = 0xffff_ffff;

export const CLIENT_SLOT_STRIDE: usize = 24;
export const CLIENT_OWNER: usize = 0;
export const CLIENT_IP: usize = 4;
export const CLIENT_EXPIRES: usize = 8;
export const CLIENT_VALUE: usize = 16;
export const CLIENT_USED: usize = 20;

/** Status codes of the nftables and userspace entry points. */
export const STATUS_OK: i32 = 0;
export const E_NOT_LOADED: i32 = 1;
export const E_ARGUMENT: i32 = 2;

/** IANA protocol number of UDP (a UDP "connect" never reaches the peer). */
export const PROTO_UDP: u32 = 17;

/** The map key of a port: protocol and port in one word. */
// @ts-ignore: decorator
@inline export function portKey(proto: u32, port: u32): u32 {
  return (proto << 16) | port;
}
