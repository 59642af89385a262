// Reference iptables engine: walks the structured Ruleset objects rule by rule, written for
// obviousness rather than speed. It is the oracle of the WASM engine and shares no code with
// src/iptables/pack.ts. Semantics: dataplane.md 2.5, 2.6, 2.8 and src/iptables/ruleset.ts.

import { drawRandom, RandomDomain, streamKey } from '../../gen/counter-random.js';
import type { Decision, Flow } from '../../model/flow.js';
import { prefixMask } from '../../model/ipv4.js';
import {
  FILTER_FORWARD_CHAIN,
  FILTER_LOCAL_CHAIN,
  NAT_ENTRY_CHAIN,
  type AddressMatch,
  type Chain,
  type Match,
  type PortRange,
  type Rule,
  type Ruleset,
  type Table,
  type TableName,
} from '../../iptables/ruleset.js';
import type { DecisionEngine } from '../engine.js';

/** Nested jumps the kernel's jump stack holds; one more drops the packet. */
const JUMP_STACK_LIMIT = 64;
/** xt_recent `ip_list_tot`: entries per list before the least recently updated one is evicted. */
const RECENT_LIST_SIZE = 100;

/** Options of {@link IptablesReferenceEngine}. */
export interface IptablesReferenceOptions {
  /** Run seed: keys the `statistic --mode random` draws (SPEC 3). */
  readonly seed: number;
}

/** How a table walk ended. */
type Outcome = 'ACCEPT' | 'DROP' | 'REJECT' | 'DNAT';

/** The packet as the rules see it, plus what the walks did to it. */
interface Packet {
  readonly index: number;
  readonly now: number;
  readonly src: number;
  readonly sport: number;
  readonly proto: Flow['proto'];
  dst: number;
  dport: number;
  mark: number;
  draws: number;
  dnatted: boolean;
  endpoint: number;
  rules: number;
}

/** One jump-stack frame: where to continue after the called chain returns. */
interface Frame {
  readonly chain: Chain;
  readonly next: number;
}

/** The slow, obviously correct iptables engine (test oracle and plain-TypeScript baseline). */
export class IptablesReferenceEngine implements DecisionEngine {
  readonly label = 'iptables/reference';
  readonly #ruleset: Ruleset;
  readonly #key: number;
  /** Recent lists by name: source → newest timestamp, Map order = least recently updated first. */
  readonly #recent = new Map<string, Map<number, number>>();
  /** nth counters by match position `table/chain/rule/match`. */
  readonly #nth = new Map<string, number>();
  readonly #chains = new Map<Table, Map<string, Chain>>();

  /** Keeps `ruleset` as is; nothing is precomputed. */
  constructor(ruleset: Ruleset, options: IptablesReferenceOptions) {
    this.#ruleset = ruleset;
    this.#key = streamKey(options.seed >>> 0, RandomDomain.DECISION);
  }

  /** Decides `flows` in order (non-decreasing `start` across calls). */
  decide(flows: readonly Flow[]): Decision[] {
    return flows.map((f) => this.#decideOne(f));
  }

  #decideOne(f: Flow): Decision {
    const p: Packet = {
      index: f.index, now: f.start, src: f.src, sport: f.sport, proto: f.proto,
      dst: f.dst, dport: f.dport, mark: 0, draws: 0, dnatted: false, endpoint: -1, rules: 0,
    };
    let outcome = this.#walk('nat', NAT_ENTRY_CHAIN, p);
    if (outcome !== 'DROP' && outcome !== 'REJECT') {
      // Routing after nat: to this host (INPUT) or onwards (FORWARD).
      outcome = this.#walk('filter', this.#isLocal(p.dst) ? FILTER_LOCAL_CHAIN : FILTER_FORWARD_CHAIN, p);
    }
    if (outcome === 'DROP' || outcome === 'REJECT') return { verdict: 'reject', endpoint: -1, work: p.rules };
    if (p.dnatted) return { verdict: 'dnat', endpoint: p.endpoint, work: p.rules };
    return { verdict: 'nomatch', endpoint: -1, work: p.rules };
  }

  #table(name: TableName): Table | undefined {
    return this.#ruleset.tables.find((t) => t.name === name);
  }

  #lookup(table: Table, name: string): Chain | undefined {
    let byName = this.#chains.get(table);
    if (byName === undefined) {
      // Name lookup only (the first chain of a name wins), so jumps need not scan every chain.
      byName = new Map();
      for (const ch of table.chains) if (!byName.has(ch.name)) byName.set(ch.name, ch);
      this.#chains.set(table, byName);
    }
    return byName.get(name);
  }

  #chain(table: Table, name: string): Chain {
    const c = this.#lookup(table, name);
    if (c === undefined) throw new Error(`kpbench reference: ${table.name} has no chain ${name}`);
    return c;
  }

  /**
   * Walks `table` from its built-in chain `entryName` (ACCEPT at once when either is missing).
   * Counts every rule looked at, including the implicit rule at the end of each chain and the
   * entry chain's policy rule reached by RETURN with an empty stack.
   */
  #walk(tableName: TableName, entryName: string, p: Packet): Outcome {
    const table = this.#table(tableName);
    const entry = table === undefined ? undefined : this.#lookup(table, entryName);
    if (table === undefined || entry === undefined) return 'ACCEPT';
    // The entry chain is built-in: it ends in its policy, ACCEPT when the ruleset names none.
    const entryPolicy: Outcome = entry.policy ?? 'ACCEPT';
    const stack: Frame[] = [];
    let chain = entry;
    let i = 0;
    for (;;) {
      p.rules++;
      if (i === chain.rules.length) {
        // The implicit last rule: a built-in chain's policy, or RETURN in a user chain.
        if (chain === entry || chain.policy !== null) return chain.policy ?? 'ACCEPT';
        const back = stack.pop();
        if (back === undefined) {
          p.rules++; // RETURN with nothing to return to: the hook's underflow (policy) rule
          return entryPolicy;
        }
        chain = back.chain;
        i = back.next;
        continue;
      }
      const rule = chain.rules[i]!;
      if (!this.#matches(rule, p, tableName, chain.name, i)) {
        i++;
        continue;
      }
      const t = rule.target;
      switch (t.kind) {
        case 'none':
          i++;
          break;
        case 'MARK':
          p.mark = (t.op === 'or' ? p.mark | t.value : p.mark ^ t.value) >>> 0;
          i++;
          break;
        case 'jump':
          if (stack.length >= JUMP_STACK_LIMIT) return 'DROP';
          stack.push({ chain, next: i + 1 });
          chain = this.#chain(table, t.chain);
          i = 0;
          break;
        case 'goto':
          chain = this.#chain(table, t.chain);
          i = 0;
          break;
        case 'RETURN': {
          const back = stack.pop();
          if (back === undefined) {
            p.rules++;
            return entryPolicy;
          }
          chain = back.chain;
          i = back.next;
          break;
        }
        case 'DNAT':
          p.dst = t.ip >>> 0;
          p.dport = t.port;
          p.endpoint = t.endpoint;
          p.dnatted = true;
          return 'DNAT';
        case 'MASQUERADE':
        case 'ACCEPT':
          return 'ACCEPT';
        case 'DROP':
          return 'DROP';
        case 'REJECT':
          return 'REJECT';
      }
    }
  }

  #matches(rule: Rule, p: Packet, table: TableName, chain: string, i: number): boolean {
    if (!addressMatches(rule.dst, p.dst)) return false;
    if (!addressMatches(rule.src, p.src)) return false;
    if (rule.proto !== null && rule.proto !== p.proto) return false;
    for (let k = 0; k < rule.matches.length; k++) {
      if (!this.#matchOne(rule.matches[k]!, p, () => `${table}/${chain}/${i}/${k}`)) return false;
    }
    return true;
  }

  /** `where` names the match's position, the key of its nth counter. */
  #matchOne(m: Match, p: Packet, where: () => string): boolean {
    switch (m.kind) {
      case 'comment':
        return true;
      case 'proto':
        return m.proto === p.proto && portMatches(m.dport, p.dport) && portMatches(m.sport, p.sport);
      case 'mark':
        return (((p.mark & m.mask) >>> 0) === m.value >>> 0) !== m.invert;
      case 'random': {
        const r = drawRandom(this.#key, p.index, p.draws);
        p.draws++;
        return (r & 0x7fffffff) < m.threshold !== m.invert;
      }
      case 'nth': {
        const key = where();
        const cur = this.#nth.get(key) ?? m.every - 1 - m.packet;
        const next = cur === m.every - 1 ? 0 : cur + 1;
        this.#nth.set(key, next);
        return (next === 0) !== m.invert;
      }
      case 'recent':
        return m.mode === 'set' ? this.#recentSet(m.name, p) : this.#recentCheck(m.name, m.seconds, m.reap, p);
      case 'addrtype':
        return this.#isLocal(m.dir === 'src' ? p.src : p.dst) !== m.invert;
      case 'conntrack': {
        const inState = m.states.includes('NEW') || (p.dnatted && m.states.includes('DNAT'));
        return inState !== m.invert;
      }
    }
  }

  #list(name: string): Map<number, number> {
    let list = this.#recent.get(name);
    if (list === undefined) this.#recent.set(name, (list = new Map()));
    return list;
  }

  /** `--set`: (re)records the source as the most recent entry, evicting the oldest of a full list. */
  #recentSet(name: string, p: Packet): boolean {
    const list = this.#list(name);
    if (list.has(p.src)) list.delete(p.src);
    else if (list.size >= RECENT_LIST_SIZE) list.delete(list.keys().next().value!);
    list.set(p.src, p.now);
    return true;
  }

  /** `--rcheck [--seconds T] [--reap]` without refreshing; reap only the oldest entry, once found. */
  #recentCheck(name: string, seconds: number, reap: boolean, p: Packet): boolean {
    const list = this.#list(name);
    const seen = list.get(p.src);
    if (seen === undefined) return false;
    const hit = seconds === 0 || seen >= p.now - seconds;
    if (reap && seconds !== 0) {
      const [oldestKey, oldestSeen] = list.entries().next().value!;
      if (oldestSeen < p.now - seconds) list.delete(oldestKey);
    }
    return hit;
  }

  /** `addrtype LOCAL`: a node address or loopback 127.0.0.0/8. */
  #isLocal(addr: number): boolean {
    return addr >>> 24 === 127 || this.#ruleset.localAddresses.some((a) => a >>> 0 === addr >>> 0);
  }
}

function addressMatches(a: AddressMatch | null, ip: number): boolean {
  if (a === null) return true;
  const mask = prefixMask(a.prefix);
  return (((ip & mask) >>> 0) === ((a.net & mask) >>> 0)) !== a.invert;
}

function portMatches(range: PortRange | null, port: number): boolean {
  if (range === null) return true;
  return (range.lo <= port && port <= range.hi) !== range.invert;
}
