// IPVS reference engine: slow, plain TypeScript written straight from dataplane.md section 1 and
// SPEC 3, sharing nothing with the WASM layout (objects, arrays, BigInt SipHash, a linear scan
// over live connections). It is the test oracle of IpvsWasmEngine: same verdicts, endpoints and
// work (definition in wasm/assembly/ipvs/scheduler.ts) for every flow.

import type { Cluster, SchedulerName } from '../../model/cluster.js';
import { PROTOCOL_NUMBER } from '../../model/cluster.js';
import type { Decision, Flow } from '../../model/flow.js';
import type { DecisionEngine } from '../engine.js';
import { buildVirtualServices, type VirtualService } from '../../ipvs/build.js';
import { MH_TABLE_SIZE, SVC_F_SCHED1, SVC_F_SCHED2 } from '../../ipvs/schedulers.js';

/** Options of the reference IPVS engine (same meaning as IpvsWasmEngine's). */
export interface IpvsReferenceOptions {
  /** Scheduler of services without their own. @default 'rr' */
  readonly scheduler?: SchedulerName;
  /** Seconds a closed TCP connection stays inactive (FIN_WAIT/TIME_WAIT). @default 120 */
  readonly tcpFinTimeout?: number;
  /** Seconds a UDP connection stays after its last packet. @default 300 */
  readonly udpTimeout?: number;
}

// ── hashes ──────────────────────────────────────────────────────────────────────────────────────

/** hash_32(v, bits) of include/linux/hash.h: top bits of v · 0x61C88647 mod 2^32. */
export function refHash32(v: number, bits: number): number {
  return Math.imul(v >>> 0, 0x61c88647) >>> (32 - bits);
}

const M64 = (1n << 64n) - 1n;
const rotl64 = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M64;

/** Generic SipHash-c-d (64-bit lanes) of a byte string under the key (k0, k1). */
export function sipHash(c: number, d: number, k0: bigint, k1: bigint, msg: Uint8Array): bigint {
  const v = [0x736f6d6570736575n ^ k0, 0x646f72616e646f6dn ^ k1, 0x6c7967656e657261n ^ k0, 0x7465646279746573n ^ k1];
  const round = (): void => {
    v[0] = (v[0]! + v[1]!) & M64; v[1] = rotl64(v[1]!, 13n) ^ v[0]; v[0] = rotl64(v[0], 32n);
    v[2] = (v[2]! + v[3]!) & M64; v[3] = rotl64(v[3]!, 16n) ^ v[2];
    v[0] = (v[0] + v[3]) & M64; v[3] = rotl64(v[3], 21n) ^ v[0];
    v[2] = (v[2] + v[1]) & M64; v[1] = rotl64(v[1], 17n) ^ v[2]; v[2] = rotl64(v[2], 32n);
  };
  const word = (at: number, len: number): bigint => {
    let m = 0n;
    for (let i = len - 1; i >= 0; i--) m = (m << 8n) | BigInt(msg[at + i]!);
    return m;
  };
  const full = msg.length - (msg.length % 8);
  const compress = (m: bigint): void => {
    v[3] = v[3]! ^ m;
    for (let r = 0; r < c; r++) round();
    v[0] = v[0]! ^ m;
  };
  for (let at = 0; at < full; at += 8) compress(word(at, 8));
  compress((BigInt(msg.length & 0xff) << 56n) | word(full, msg.length - full));
  v[2] = v[2]! ^ 0xffn;
  for (let r = 0; r < d; r++) round();
  return v[0]! ^ v[1]! ^ v[2]! ^ v[3]!;
}

/** The 64-bit kernel's hsiphash of a u32 (4 bytes, little-endian): SipHash-1-3, low 32 bits. */
export function refHsiphash(value: number, k0: bigint, k1: bigint): number {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return Number(sipHash(1, 3, k0, k1, b) & 0xffffffffn);
}

/** mh keys (ip_vs_mh.c generate_hash_secret). */
export const MH_KEY1 = 2654435761n;
export const MH_KEY2 = 2654446892n;

/** ip_vs_mh_hashkey: hsiphash of (offset + port + addr) mod 2^32. */
export function refMhHashkey(addr: number, port: number, key: bigint, offset: number): number {
  return refHsiphash((offset + port + addr) >>> 0, key, key);
}

// ── model ───────────────────────────────────────────────────────────────────────────────────────

interface Dest {
  readonly endpoint: number;
  readonly ip: number;
  readonly port: number;
  readonly serving: boolean;
  weight: number;
  lastWeight: number;
  active: number;
  inactive: number;
}

interface Service {
  readonly vs: VirtualService;
  readonly scheduler: SchedulerName;
  /** Kernel list order: index 0 is the head (the most recently added destination). */
  readonly list: Dest[];
  /** rr/wrr cursor: null = the list head itself. */
  cursor: Dest | null;
  cw: number;
  mw: number;
  di: number;
  /** dh/sh/mh lookup table. */
  table: Array<Dest | null>;
  readonly templates: Map<number, Template>;
}

interface Template {
  readonly dest: Dest;
  lastUse: number;
  controlled: number;
}

interface Conn {
  readonly dest: Dest;
  readonly template: Template | null;
  active: boolean;
  /** When an active connection turns inactive. */
  readonly activeEnd: number;
  /** When the connection is gone (for an active one: activeEnd + tcpFinTimeout). */
  goneAt: number;
}

const unavailable = (d: Dest): boolean => d.weight <= 0; // OVERLOAD never set (no thresholds)

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// ── schedulers (hooks per dataplane.md 1.2–1.11; each returns [dest, work]) ────────────────────

type Pick = [Dest | null, number];

function wrrChanged(s: Service): void {
  s.cursor = null;
  let g = 0;
  let maxW = 0;
  for (const d of s.list) {
    if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
    maxW = Math.max(maxW, d.weight);
  }
  s.di = g === 0 ? 1 : g;
  s.mw = maxW - (s.di - 1);
}

function rebuildTables(s: Service): void {
  const n = s.list.length;
  if (s.scheduler === 'dh') {
    s.table = Array.from({ length: 256 }, (_, i) => (n === 0 ? null : s.list[i % n]!));
  } else if (s.scheduler === 'sh') {
    s.table = [];
    let at = 0;
    let count = 0;
    for (let i = 0; i < 256; i++) {
      if (n === 0) {
        s.table.push(null);
        continue;
      }
      const d = s.list[at]!;
      s.table.push(d);
      count++;
      if (count >= d.weight) {
        at = (at + 1) % n;
        count = 0;
      }
    }
  } else if (s.scheduler === 'mh') {
    s.table = mhTable(s.list);
  }
}

/** Maglev population over the list (ip_vs_mh_permutate + ip_vs_mh_populate). */
function mhTable(list: readonly Dest[]): Array<Dest | null> {
  const M = MH_TABLE_SIZE;
  const positive = list.map((d) => d.lastWeight).filter((w) => w > 0);
  if (positive.length === 0) return new Array<Dest | null>(M).fill(null);
  const g = positive.reduce((a, b) => gcd(a, b));
  const maxW = Math.max(...positive);
  const fls = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));
  const rshift = Math.max(0, fls(Math.floor(maxW / g)) - 6);
  const perms = list.map((d) => {
    const offset = refMhHashkey(d.ip, d.port, MH_KEY1, 0) % M;
    const skip = (refMhHashkey(d.ip, d.port, MH_KEY2, 0) % (M - 1)) + 1;
    const t = Math.floor(d.lastWeight / g) >> rshift;
    return { offset, skip, next: offset, turns: t !== 0 ? t : d.lastWeight !== 0 ? 1 : 0 };
  });
  const table = new Array<Dest | null>(M).fill(null);
  const taken = new Array<boolean>(M).fill(false);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < list.length; i++) {
      const p = perms[i]!;
      for (let turn = 0; turn < p.turns; turn++) {
        while (taken[p.next]) p.next = (p.next + p.skip) % M;
        taken[p.next] = true;
        table[p.next] = list[i]!;
        if (++filled === M) return table;
      }
    }
  }
}

function hooksAdd(s: Service): void {
  if (s.scheduler === 'wrr') wrrAdjust(s);
  rebuildTables(s);
}

function wrrAdjust(s: Service): void {
  wrrChanged(s);
  if (s.cw > s.mw || s.cw === 0) s.cw = s.mw;
  else if (s.di > 1) s.cw = Math.floor(s.cw / s.di) * s.di + 1;
}

function pickRr(s: Service): Pick {
  const n = s.list.length;
  const c = s.cursor === null ? -1 : s.list.indexOf(s.cursor);
  for (let k = 1; k <= n; k++) {
    const d = s.list[(c + k + n) % n]!;
    if (!unavailable(d)) {
      s.cursor = d;
      return [d, k];
    }
  }
  return [null, n];
}

function pickWrr(s: Service): Pick {
  if (s.mw === 0) return [null, 0];
  // the walk over a circular list with a head sentinel, as ip_vs_wrr_schedule does it
  const n = s.list.length;
  const last = s.cursor === null ? -1 : s.list.indexOf(s.cursor);
  let pos = last;
  let stop: number | null = null;
  let lastPass = false;
  let restarted = false;
  let visited = 0;
  for (;;) {
    for (pos = pos + 1; pos < n; pos++) {
      visited++;
      const d = s.list[pos]!;
      if (d.weight >= s.cw) {
        s.cursor = d;
        return [d, visited];
      }
      if (pos === stop) {
        s.cursor = d;
        return [null, visited];
      }
    }
    pos = -1;
    s.cw -= s.di;
    if (s.cw <= 0) {
      s.cw = s.mw;
      if (lastPass || last === -1) {
        s.cursor = null;
        return [null, visited];
      }
      restarted = true;
    }
    lastPass = s.cw <= s.di;
    if (lastPass && restarted && last !== -1) stop = last;
  }
}

function pickLeast(s: Service, cost: (d: Dest) => number, weighted: boolean): Pick {
  let best: Dest | null = null;
  for (const d of s.list) {
    if (weighted ? best === null && d.weight <= 0 : d.weight === 0) continue;
    if (best === null) {
      best = d;
      continue;
    }
    // weighted: cost(best)/w(best) > cost(d)/w(d), cross-multiplied; lc: plain cost
    const better = weighted ? cost(best) * d.weight > cost(d) * best.weight : cost(d) < cost(best);
    if (better) best = d;
  }
  return [best, s.list.length];
}

function pickNq(s: Service): Pick {
  let best: Dest | null = null;
  for (let i = 0; i < s.list.length; i++) {
    const d = s.list[i]!;
    if (d.weight === 0) continue;
    if (d.active === 0) return [d, i + 1];
    if (best === null || (best.active + 1) * d.weight > (d.active + 1) * best.weight) best = d;
  }
  return [best, s.list.length];
}

function pickHashed(s: Service, home: number, probe: (k: number) => number, size: number): Pick {
  const d = s.table[home] ?? null;
  if ((s.vs.flagBits & SVC_F_SCHED1) === 0) return [d === null || unavailable(d) ? null : d, 1];
  if (d === null) return [null, 1];
  if (!unavailable(d)) return [d, 1];
  let work = 1;
  for (let k = 0; k < size; k++) {
    work++;
    const e = s.table[probe(k)] ?? null;
    if (e === null) return [null, work];
    if (!unavailable(e)) return [e, work];
  }
  return [null, work];
}

function pick(s: Service, f: Flow): Pick {
  switch (s.scheduler) {
    case 'rr': return pickRr(s);
    case 'wrr': return pickWrr(s);
    case 'lc': return pickLeast(s, (d) => d.active * 256 + d.inactive, false);
    case 'wlc': return pickLeast(s, (d) => d.active * 256 + d.inactive, true);
    case 'sed': return pickLeast(s, (d) => d.active + 1, true);
    case 'nq': return pickNq(s);
    case 'dh': {
      const d = s.table[refHash32(f.dst, 8)] ?? null;
      return [d === null || unavailable(d) ? null : d, 1];
    }
    case 'sh': {
      const port = s.vs.flagBits & SVC_F_SCHED2 ? f.sport : 0;
      const h0 = refHash32((port + f.src) >>> 0, 8);
      return pickHashed(s, h0, (k) => (((k + h0) % 256) + h0) % 256, 256);
    }
    case 'mh': {
      const port = s.vs.flagBits & SVC_F_SCHED2 ? f.sport : 0;
      const home = refMhHashkey(f.src, port, MH_KEY1, 0) % MH_TABLE_SIZE;
      return pickHashed(s, home, (k) => refMhHashkey(f.src, port, MH_KEY1, (k + home) % MH_TABLE_SIZE) % MH_TABLE_SIZE, MH_TABLE_SIZE);
    }
  }
}

// ── engine ──────────────────────────────────────────────────────────────────────────────────────

/** The IPVS dataplane in plain TypeScript: the oracle of the WASM engine. */
export class IpvsReferenceEngine implements DecisionEngine {
  readonly label: string;
  readonly #services = new Map<string, Service>();
  readonly #fin: number;
  readonly #udp: number;
  #conns: Conn[] = [];
  #now = -Infinity;

  /** @throws {InputError} as buildVirtualServices. */
  constructor(cluster: Cluster, options: IpvsReferenceOptions = {}) {
    this.label = `ipvs:${options.scheduler ?? 'rr'}/reference`;
    this.#fin = options.tcpFinTimeout ?? 120;
    this.#udp = options.udpTimeout ?? 300;
    for (const vs of buildVirtualServices(cluster, { scheduler: options.scheduler ?? 'rr' })) {
      const s: Service = { vs, scheduler: vs.scheduler, list: [], cursor: null, cw: 0, mw: 0, di: 1, table: [], templates: new Map() };
      // init_service on the empty list
      wrrChanged(s);
      s.cw = s.mw;
      rebuildTables(s);
      const added: Dest[] = [];
      for (const d of vs.destinations) {
        const dest: Dest = { endpoint: d.endpoint, ip: d.ip, port: d.port, serving: d.serving, weight: d.weight, lastWeight: d.weight, active: 0, inactive: 0 };
        s.list.unshift(dest); // list_add_rcu: new destinations go to the head
        added.push(dest);
        hooksAdd(s);
      }
      vs.destinations.forEach((d, i) => {
        if (!d.terminating) return;
        added[i]!.weight = 0; // last_weight keeps the non-zero weight
        hooksAdd(s); // upd_dest: same hooks as add for wrr, dh, sh, mh
      });
      this.#services.set(`${PROTOCOL_NUMBER[vs.protocol]}|${vs.vip}|${vs.port}`, s);
    }
  }

  /** Live connections (for tests). */
  get liveConnections(): number {
    return this.#conns.length;
  }

  /** Active and inactive counts of one destination, by virtual service and list position. */
  destinationCounts(proto: number, vip: number, port: number): Array<{ endpoint: number; active: number; inactive: number; weight: number }> {
    const s = this.#services.get(`${proto}|${vip}|${port}`);
    return s === undefined ? [] : s.list.map((d) => ({ endpoint: d.endpoint, active: d.active, inactive: d.inactive, weight: d.weight }));
  }

  /** The dh/sh/mh lookup table of a virtual service as endpoint ids (-1 = empty bucket). */
  schedulerTable(proto: number, vip: number, port: number): number[] {
    const s = this.#services.get(`${proto}|${vip}|${port}`);
    return s === undefined ? [] : s.table.map((d) => (d === null ? -1 : d.endpoint));
  }

  #applyDue(t: number): void {
    const keep: Conn[] = [];
    for (const c of this.#conns) {
      if (c.active && c.activeEnd <= t) {
        c.active = false;
        c.dest.active--;
        c.dest.inactive++;
      }
      if (c.goneAt <= t) {
        c.dest.inactive--;
        if (c.template !== null) c.template.controlled--;
      } else {
        keep.push(c);
      }
    }
    this.#conns = keep;
  }

  decide(flows: readonly Flow[]): Decision[] {
    const out: Decision[] = [];
    for (const f of flows) {
      if (f.start < this.#now) throw new Error(`flow ${f.index}: start ${f.start} is before ${this.#now}; flows must come in start order`);
      this.#now = f.start;
      this.#applyDue(f.start);
      const s = this.#services.get(`${PROTOCOL_NUMBER[f.proto]}|${f.dst}|${f.dport}`);
      if (s === undefined) {
        out.push({ verdict: 'nomatch', endpoint: -1, work: 0 });
        continue;
      }
      let dest: Dest | null = null;
      let work = 0;
      let template: Template | null = null;
      const timeout = s.vs.persistence;
      if (timeout !== null) {
        const old = s.templates.get(f.src);
        const alive = old !== undefined && (f.start < old.lastUse + timeout || old.controlled > 0);
        if (old !== undefined && alive && old.dest.weight > 0) {
          template = old;
          dest = old.dest;
        } else {
          [dest, work] = pick(s, f);
          if (dest !== null) {
            template = { dest, lastUse: f.start, controlled: 0 };
            s.templates.set(f.src, template);
          }
        }
      } else {
        [dest, work] = pick(s, f);
      }
      if (dest === null) {
        out.push({ verdict: 'reject', endpoint: -1, work });
        continue;
      }
      if (template !== null) {
        template.lastUse = f.start;
        template.controlled++;
      }
      let conn: Conn;
      if (f.proto === 'udp') {
        conn = { dest, template, active: false, activeEnd: f.start, goneAt: f.start + f.duration + this.#udp };
      } else if (dest.serving) {
        const end = f.start + f.duration;
        conn = { dest, template, active: true, activeEnd: end, goneAt: end + this.#fin };
      } else {
        conn = { dest, template, active: false, activeEnd: f.start, goneAt: f.start + 60 };
      }
      if (conn.active) dest.active++;
      else dest.inactive++;
      this.#conns.push(conn);
      out.push({ verdict: 'dnat', endpoint: dest.endpoint, work });
    }
    return out;
  }
}
