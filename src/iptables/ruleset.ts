// A structured iptables ruleset: what kube-proxy programs, before it becomes iptables-save text
// (save.ts), packed rules in WASM memory (pack.ts) or the reference engine's input.
// Rules keep kube-proxy's match order, which iptables-save preserves after the fixed part.

/** Netfilter tables kpbench models. */
export type TableName = 'nat' | 'filter';

/** An address test (`-s`/`-d`), with its prefix length and `!` inversion. */
export interface AddressMatch {
  readonly net: number;
  readonly prefix: number;
  readonly invert: boolean;
}

/** An inclusive port range (`--dport 80` is lo = hi = 80). */
export interface PortRange {
  readonly lo: number;
  readonly hi: number;
  readonly invert: boolean;
}

/** Match extensions (`-m …`), in the order kube-proxy writes them. */
export type Match =
  | { readonly kind: 'comment'; readonly text: string }
  /** `-m tcp|udp|sctp [--dport P] [--sport P]`. */
  | { readonly kind: 'proto'; readonly proto: 'tcp' | 'udp' | 'sctp'; readonly dport: PortRange | null; readonly sport: PortRange | null }
  /** `-m mark [!] --mark value/mask`. */
  | { readonly kind: 'mark'; readonly value: number; readonly mask: number; readonly invert: boolean }
  /** `-m statistic --mode random --probability p`; `threshold` is what the kernel stores, round(2^31·p). */
  | { readonly kind: 'random'; readonly probability: number; readonly threshold: number; readonly invert: boolean }
  /** `-m statistic --mode nth --every n --packet p`. */
  | { readonly kind: 'nth'; readonly every: number; readonly packet: number; readonly invert: boolean }
  /** `-m recent --name N (--rcheck --seconds T [--reap] | --set)`, keyed on the source address /32. */
  | { readonly kind: 'recent'; readonly name: string; readonly mode: 'rcheck' | 'set'; readonly seconds: number; readonly reap: boolean }
  /** `-m addrtype --dst-type LOCAL` or `--src-type LOCAL`. */
  | { readonly kind: 'addrtype'; readonly dir: 'src' | 'dst'; readonly invert: boolean }
  /** `-m conntrack --ctstate …`. New flows are in state NEW. */
  | { readonly kind: 'conntrack'; readonly states: readonly CtState[]; readonly invert: boolean };

/** Conntrack states a `--ctstate` list may name. */
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'DNAT';

/** What a rule does on a full match. */
export type Target =
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }
  | { readonly kind: 'RETURN' }
  | { readonly kind: 'ACCEPT' }
  | { readonly kind: 'DROP' }
  | { readonly kind: 'REJECT' }
  /** `-j DNAT --to-destination ip:port`; `endpoint` is the global endpoint id it stands for. */
  | { readonly kind: 'DNAT'; readonly ip: number; readonly port: number; readonly endpoint: number }
  /** `-j MARK --or-mark v` / `--xor-mark v` (saved as `--set-xmark v/v` and `v/0x0`). */
  | { readonly kind: 'MARK'; readonly op: 'or' | 'xor'; readonly value: number }
  | { readonly kind: 'MASQUERADE'; readonly randomFully: boolean }
  /** A rule with no target (counts and continues). */
  | { readonly kind: 'none' };

/** One rule: the fixed IP-header part, then extensions in order, then the target. */
export interface Rule {
  readonly src: AddressMatch | null;
  readonly dst: AddressMatch | null;
  /** `-p`: protocol of the packet, or null for any. */
  readonly proto: 'tcp' | 'udp' | 'sctp' | null;
  readonly matches: readonly Match[];
  readonly target: Target;
}

/** A chain; built-in chains carry a policy, user chains end in an implicit RETURN. */
export interface Chain {
  readonly name: string;
  readonly policy: 'ACCEPT' | 'DROP' | null;
  readonly rules: readonly Rule[];
}

/** One table: built-in chains first in hook order, then user chains. */
export interface Table {
  readonly name: TableName;
  readonly chains: readonly Chain[];
}

/** The whole ruleset, filter then nat (kube-proxy's restore order). */
export interface Ruleset {
  readonly tables: readonly Table[];
  /** The node IPs; `addrtype LOCAL` matches these and, in the engines, 127.0.0.0/8 as well. */
  readonly localAddresses: readonly number[];
}

/**
 * How a new flow from a pod or a remote client crosses the tables: nat PREROUTING first; then,
 * after routing on the (possibly DNATed) destination, filter INPUT when that address is local and
 * filter FORWARD otherwise. DROP or REJECT in either walk makes the verdict `reject`; a DNAT that
 * is then accepted makes it `dnat`; anything else is `nomatch`.
 */
export const NAT_ENTRY_CHAIN = 'PREROUTING';
/** filter chain for flows whose destination after nat is a local address. */
export const FILTER_LOCAL_CHAIN = 'INPUT';
/** filter chain for flows routed onwards. */
export const FILTER_FORWARD_CHAIN = 'FORWARD';
