// Ruleset → packed image for the WASM iptables engine (layout: wasm/assembly/iptables/layout.ts).
// Chains become contiguous rule ranges, each closed by its implicit end rule made explicit
// (policy rule for built-in chains, RETURN for user chains); chain names become rule offsets.

import { KpbenchError } from '../errors.js';
import { PROTOCOL_NUMBER } from '../model/cluster.js';
import { prefixMask } from '../model/ipv4.js';
import * as L from './pack-layout.js';
import {
  FILTER_FORWARD_CHAIN,
  FILTER_LOCAL_CHAIN,
  NAT_ENTRY_CHAIN,
  type AddressMatch,
  type Chain,
  type CtState,
  type Match,
  type PortRange,
  type Rule,
  type Ruleset,
  type Table,
  type TableName,
} from './ruleset.js';

/** A packed ruleset image, ready to copy into WASM memory at an IMAGE_ALIGN-aligned address. */
export interface PackedRuleset {
  readonly bytes: Uint8Array;
  /** Rules including the explicit end-of-chain rules. */
  readonly rules: number;
  /** Extension match records. */
  readonly extensions: number;
  /** Distinct `-m recent --name` lists. */
  readonly recentLists: number;
}

const CT_BITS: Readonly<Record<CtState, number>> = {
  NEW: L.CT_NEW,
  ESTABLISHED: L.CT_ESTABLISHED,
  RELATED: L.CT_RELATED,
  INVALID: L.CT_INVALID,
  DNAT: L.CT_DNAT,
};

/** The three built-in chains the engines enter; they end in a policy (ACCEPT when none is given). */
const ENTRY_CHAINS: Readonly<Record<TableName, readonly string[]>> = {
  nat: [NAT_ENTRY_CHAIN],
  filter: [FILTER_LOCAL_CHAIN, FILTER_FORWARD_CHAIN],
};

/**
 * How a chain ends: its policy (built-in chains, and the entry chains even without one) or an
 * implicit RETURN (user chains). The reference engine states the same rule independently.
 */
function endTarget(table: TableName, chain: Chain): number {
  if (chain.policy !== null) return chain.policy === 'DROP' ? L.T_DROP : L.T_ACCEPT;
  return ENTRY_CHAINS[table].includes(chain.name) ? L.T_ACCEPT : L.T_RETURN;
}

function portRange(p: PortRange | null): number {
  return p === null ? 0xffff << 16 : (p.lo | (p.hi << 16)) >>> 0;
}

function address(a: AddressMatch | null): { net: number; mask: number; invert: boolean } {
  if (a === null) return { net: 0, mask: 0, invert: false };
  const mask = prefixMask(a.prefix);
  return { net: (a.net & mask) >>> 0, mask, invert: a.invert };
}

function checkPort(where: string, p: PortRange | null): void {
  if (p === null) return;
  if (!(Number.isInteger(p.lo) && Number.isInteger(p.hi) && 0 <= p.lo && p.lo <= p.hi && p.hi <= 0xffff)) {
    throw new KpbenchError('KPB_ERR_INPUT', `${where}: port range ${p.lo}:${p.hi} is not within 0…65535 with lo ≤ hi`);
  }
}

/** Rejects jump/goto cycles, as iptables-restore does (the walk would never end). */
function checkNoLoops(table: Table, byName: ReadonlyMap<string, Chain>): void {
  const state = new Map<string, 1 | 2>(); // 1 = on the DFS path, 2 = done
  const visit = (name: string): void => {
    state.set(name, 1);
    for (const rule of byName.get(name)!.rules) {
      const t = rule.target;
      if (t.kind !== 'jump' && t.kind !== 'goto') continue;
      const s = state.get(t.chain);
      if (s === 1) throw new KpbenchError('KPB_ERR_INPUT', `${table.name} ${name}: jump to ${t.chain} closes a chain loop`);
      if (s === undefined) visit(t.chain);
    }
    state.set(name, 2);
  };
  for (const name of byName.keys()) if (!state.has(name)) visit(name);
}

interface Layout {
  readonly tables: { readonly table: Table; readonly byName: Map<string, Chain>; readonly start: Map<string, number> }[];
  readonly rules: number;
}

/** Assigns every chain its first rule: tables in ruleset order (first of each name), chains in order. */
function layOut(rs: Ruleset): Layout {
  const tables: Layout['tables'] = [];
  let next = 0;
  for (const table of rs.tables) {
    if (tables.some((t) => t.table.name === table.name)) continue;
    const byName = new Map<string, Chain>();
    const start = new Map<string, number>();
    for (const chain of table.chains) {
      if (byName.has(chain.name)) continue;
      byName.set(chain.name, chain);
      start.set(chain.name, next);
      next += chain.rules.length + 1;
    }
    tables.push({ table, byName, start });
  }
  return { tables, rules: next };
}

/**
 * Packs `rs` into the WASM image. A leading `proto` match (after comments) whose protocol agrees
 * with `-p` is folded into the fixed part, since nothing with side effects runs before it.
 * @throws {KpbenchError} KPB_ERR_INPUT on an unknown jump target, a chain loop, a bad port range
 *   or a bad nth match.
 */
export function packRuleset(rs: Ruleset): PackedRuleset {
  const layout = layOut(rs);
  const count = Math.max(layout.rules, 1);
  const cap = Math.ceil(count / L.SCAN_BLOCK) * L.SCAN_BLOCK + L.SCAN_BLOCK;
  const recentIds = new Map<string, number>();
  const exts: { kind: number; flags: number; a: number[]; seconds: number }[] = [];
  const pfKey = new Uint32Array(cap);
  const pfWild = new Uint8Array(Math.ceil(cap / 32) * 4); // whole u32 words for the scalar scan
  const records = new Uint32Array((cap * L.RULE_STRIDE) / 4);
  const W = L.RULE_STRIDE / 4;
  const set = (r: number, field: number, v: number): void => {
    records[r * W + field / 4] = v >>> 0;
  };
  // Padding rules keep key 0 and no wild bit: scans stop at a chain's end rule before them.
  for (let r = 0; r < cap; r++) {
    set(r, L.RULE_DPORT, 0xffff << 16);
    set(r, L.RULE_SPORT, 0xffff << 16);
  }

  const packRule = (r: number, rule: Rule, where: string, start: ReadonlyMap<string, number>): void => {
    const d = address(rule.dst);
    const s = address(rule.src);
    // Only an exact, non-inverted -d x/32 lets the key reject the rule; any other rule is wild.
    if (!d.invert && d.mask === 0xffffffff) pfKey[r] = d.net;
    else pfWild[r >>> 3]! |= 1 << (r & 7);
    set(r, L.RULE_DST_NET, d.net);
    set(r, L.RULE_DST_MASK, d.mask);
    set(r, L.RULE_SRC_NET, s.net);
    set(r, L.RULE_SRC_MASK, s.mask);
    let f = (d.invert ? L.RF_DST_INV : 0) | (s.invert ? L.RF_SRC_INV : 0);
    set(r, L.RULE_PROTO, rule.proto === null ? 0 : PROTOCOL_NUMBER[rule.proto]);
    const matches = rule.matches.filter((m) => m.kind !== 'comment');
    const lead = matches[0];
    let rest: readonly Match[] = matches;
    if (lead !== undefined && lead.kind === 'proto' && (rule.proto === null || rule.proto === lead.proto)) {
      checkPort(where, lead.dport);
      checkPort(where, lead.sport);
      set(r, L.RULE_PROTO, PROTOCOL_NUMBER[lead.proto]);
      set(r, L.RULE_DPORT, portRange(lead.dport));
      set(r, L.RULE_SPORT, portRange(lead.sport));
      if (lead.dport?.invert === true) f |= L.RF_DPORT_INV;
      if (lead.sport?.invert === true) f |= L.RF_SPORT_INV;
      rest = matches.slice(1);
    }
    const anyPort = 0xffff << 16;
    const fixed =
      d.mask !== 0 || d.invert || s.mask !== 0 || s.invert || records[r * W + L.RULE_PROTO / 4] !== 0 ||
      records[r * W + L.RULE_DPORT / 4] !== anyPort >>> 0 || records[r * W + L.RULE_SPORT / 4] !== anyPort >>> 0 ||
      (f & (L.RF_DPORT_INV | L.RF_SPORT_INV)) !== 0;
    if (fixed) f |= L.RF_FIXED;
    set(r, L.RULE_FLAGS, f);
    set(r, L.RULE_EXT_FIRST, exts.length);
    set(r, L.RULE_EXT_COUNT, rest.length);
    for (const m of rest) exts.push(packMatch(m, where, recentIds));
    const t = rule.target;
    switch (t.kind) {
      case 'jump':
      case 'goto': {
        const to = start.get(t.chain);
        if (to === undefined) throw new KpbenchError('KPB_ERR_INPUT', `${where}: ${t.kind} to unknown chain ${t.chain}`);
        set(r, L.RULE_TARGET, t.kind === 'jump' ? L.T_JUMP : L.T_GOTO);
        set(r, L.RULE_ARG0, to);
        break;
      }
      case 'RETURN': set(r, L.RULE_TARGET, L.T_RETURN); break;
      case 'ACCEPT': set(r, L.RULE_TARGET, L.T_ACCEPT); break;
      case 'DROP': set(r, L.RULE_TARGET, L.T_DROP); break;
      case 'REJECT': set(r, L.RULE_TARGET, L.T_REJECT); break;
      case 'MASQUERADE': set(r, L.RULE_TARGET, L.T_MASQUERADE); break;
      case 'none': set(r, L.RULE_TARGET, L.T_NONE); break;
      case 'MARK':
        set(r, L.RULE_TARGET, t.op === 'or' ? L.T_MARK_OR : L.T_MARK_XOR);
        set(r, L.RULE_ARG0, t.value);
        break;
      case 'DNAT':
        set(r, L.RULE_TARGET, L.T_DNAT);
        set(r, L.RULE_ARG0, t.ip);
        set(r, L.RULE_ARG1, t.port);
        set(r, L.RULE_ARG2, t.endpoint);
        break;
    }
  };

  const header = new Int32Array(L.HEADER_BYTES / 4).fill(0);
  for (const k of [L.H_NAT_ENTRY, L.H_NAT_POLICY, L.H_INPUT_ENTRY, L.H_INPUT_POLICY, L.H_FORWARD_ENTRY, L.H_FORWARD_POLICY]) {
    header[k / 4] = L.NO_CHAIN;
  }
  for (const { table, byName, start } of layout.tables) {
    checkNoLoops(table, byName);
    for (const chain of byName.values()) {
      const first = start.get(chain.name)!;
      chain.rules.forEach((rule, i) => packRule(first + i, rule, `${table.name} ${chain.name} rule ${i + 1}`, start));
      const end = first + chain.rules.length;
      set(end, L.RULE_TARGET, endTarget(table.name, chain)); // no condition: always matches
      pfWild[end >>> 3]! |= 1 << (end & 7);
    }
    const entry = (name: string, hEntry: number, hPolicy: number): void => {
      const chain = byName.get(name);
      if (chain === undefined) return;
      header[hEntry / 4] = start.get(name)!;
      header[hPolicy / 4] = start.get(name)! + chain.rules.length;
    };
    if (table.name === 'nat') entry(NAT_ENTRY_CHAIN, L.H_NAT_ENTRY, L.H_NAT_POLICY);
    else {
      entry(FILTER_LOCAL_CHAIN, L.H_INPUT_ENTRY, L.H_INPUT_POLICY);
      entry(FILTER_FORWARD_CHAIN, L.H_FORWARD_ENTRY, L.H_FORWARD_POLICY);
    }
  }
  header[L.H_RULE_CAP / 4] = cap;
  header[L.H_RULE_COUNT / 4] = count;
  header[L.H_EXT_COUNT / 4] = exts.length;
  header[L.H_LIST_COUNT / 4] = recentIds.size;
  header[L.H_LOCAL_COUNT / 4] = rs.localAddresses.length;

  const recordBase = L.HEADER_BYTES;
  const keyBase = recordBase + records.byteLength;
  const extBase = keyBase + 4 * cap;
  const localBase = extBase + exts.length * L.EXT_STRIDE;
  const wildBase = localBase + rs.localAddresses.length * 4;
  const size = Math.ceil((wildBase + pfWild.byteLength) / 16) * 16;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(new Uint8Array(header.buffer), 0);
  bytes.set(new Uint8Array(records.buffer), recordBase);
  bytes.set(new Uint8Array(pfKey.buffer), keyBase);
  bytes.set(pfWild, wildBase);
  exts.forEach((e, i) => {
    const at = extBase + i * L.EXT_STRIDE;
    view.setUint32(at + L.EXT_KIND, e.kind, true);
    view.setUint32(at + L.EXT_FLAGS, e.flags, true);
    e.a.forEach((v, k) => view.setUint32(at + L.EXT_A0 + 4 * k, v >>> 0, true));
    view.setFloat64(at + L.EXT_SECONDS, e.seconds, true);
  });
  rs.localAddresses.forEach((a, i) => view.setUint32(localBase + 4 * i, a >>> 0, true));
  return { bytes, rules: layout.rules, extensions: exts.length, recentLists: recentIds.size };
}

function packMatch(m: Match, where: string, recentIds: Map<string, number>): { kind: number; flags: number; a: number[]; seconds: number } {
  switch (m.kind) {
    case 'proto':
      checkPort(where, m.dport);
      checkPort(where, m.sport);
      return {
        kind: L.E_PROTO,
        flags: (m.dport?.invert === true ? L.EF_DPORT_INV : 0) | (m.sport?.invert === true ? L.EF_SPORT_INV : 0),
        a: [PROTOCOL_NUMBER[m.proto], portRange(m.dport), portRange(m.sport)],
        seconds: 0,
      };
    case 'mark':
      return { kind: L.E_MARK, flags: m.invert ? L.EF_INV : 0, a: [m.value >>> 0, m.mask >>> 0], seconds: 0 };
    case 'random':
      return { kind: L.E_RANDOM, flags: m.invert ? L.EF_INV : 0, a: [m.threshold >>> 0], seconds: 0 };
    case 'nth': {
      if (!(Number.isInteger(m.every) && m.every >= 1 && Number.isInteger(m.packet) && m.packet >= 0 && m.packet < m.every)) {
        throw new KpbenchError('KPB_ERR_INPUT', `${where}: statistic nth needs --every ≥ 1 and 0 ≤ --packet < --every`);
      }
      // xt_statistic: stored every = n − 1; the counter starts at (n − 1) − p (dataplane.md 2.5).
      return { kind: L.E_NTH, flags: m.invert ? L.EF_INV : 0, a: [m.every - 1, m.every - 1 - m.packet], seconds: 0 };
    }
    case 'recent': {
      let id = recentIds.get(m.name);
      if (id === undefined) recentIds.set(m.name, (id = recentIds.size));
      return {
        kind: L.E_RECENT,
        flags: (m.mode === 'set' ? L.EF_SET : 0) | (m.reap ? L.EF_REAP : 0),
        a: [id],
        seconds: m.seconds,
      };
    }
    case 'addrtype':
      return { kind: L.E_ADDRTYPE, flags: (m.invert ? L.EF_INV : 0) | (m.dir === 'src' ? L.EF_SRC : 0), a: [], seconds: 0 };
    case 'conntrack':
      return {
        kind: L.E_CONNTRACK,
        flags: m.invert ? L.EF_INV : 0,
        a: [m.states.reduce((bits, s) => bits | CT_BITS[s], 0)],
        seconds: 0,
      };
    case 'comment':
      throw new KpbenchError('KPB_ERR_INTERNAL', `${where}: comments are dropped before packing`);
  }
}
