// The service-independent part of kube-proxy's iptables layout (dataplane.md 2.1): the jump rules
// in the built-in chains and the fixed KUBE-MARK-MASQ, KUBE-POSTROUTING and KUBE-FORWARD chains.
// Matches are in kube-proxy's argument order (extra args such as conntrack before the comment).

import type { Chain, CtState, Match, Rule, Target } from './ruleset.js';

/** kube-proxy's masquerade mark, `1 << masqueradeBit` with the default bit 14. */
export const MASQUERADE_MARK = 0x4000;

/** The nat chain every service-IP rule jumps to first. */
export const KUBE_SERVICES = 'KUBE-SERVICES';
/** NodePort dispatch (nat) and health-check ports (filter). */
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
/** Sets the masquerade mark. */
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
/** nat POSTROUTING target that masquerades marked packets. */
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
/** filter chain with REJECT rules for NodePorts without endpoints. */
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
/** filter FORWARD helper chain. */
export const KUBE_FORWARD = 'KUBE-FORWARD';
/** filter chain for loadBalancerSourceRanges drops (empty without LoadBalancers). */
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';

/** Comment on the last KUBE-SERVICES rule. */
export const NODEPORTS_COMMENT = 'kubernetes service nodeports; NOTE: this must be the last rule in this chain';

/** `-j KUBE-MARK-MASQ`, shared by every masquerade rule. */
export const JUMP_MARK_MASQ: Target = { kind: 'jump', chain: KUBE_MARK_MASQ };

/** `-m addrtype --dst-type LOCAL`. */
export const DST_LOCAL: Match = { kind: 'addrtype', dir: 'dst', invert: false };

/** A rule without fixed-part tests. */
function plain(matches: readonly Match[], target: Target): Rule {
  return { src: null, dst: null, proto: null, matches, target };
}

function comment(text: string): Match {
  return { kind: 'comment', text };
}

function ctstate(...states: CtState[]): Match {
  return { kind: 'conntrack', states, invert: false };
}

function jump(chain: string): Target {
  return { kind: 'jump', chain };
}

/** A built-in chain with policy ACCEPT. */
function builtinChain(name: string, rules: readonly Rule[]): Chain {
  return { name, policy: 'ACCEPT', rules };
}

/** A user-defined chain. */
export function userChain(name: string, rules: readonly Rule[]): Chain {
  return { name, policy: null, rules };
}

const SERVICE_PORTALS = 'kubernetes service portals';
const LB_FIREWALL = 'kubernetes load balancer firewall';
const EXTERNAL_PORTALS = 'kubernetes externally-visible service portals';
const FORWARDING_RULES = 'kubernetes forwarding rules';

/**
 * nat built-ins in hook order. kube-proxy prepends its jumps, so they come before anything else
 * on a real node; here they are the only rules.
 */
export function natBuiltinChains(): Chain[] {
  const portals = plain([comment(SERVICE_PORTALS)], jump(KUBE_SERVICES));
  return [
    builtinChain('PREROUTING', [portals]),
    builtinChain('INPUT', []),
    builtinChain('OUTPUT', [portals]),
    builtinChain('POSTROUTING', [plain([comment('kubernetes postrouting rules')], jump(KUBE_POSTROUTING))]),
  ];
}

/** KUBE-MARK-MASQ and KUBE-POSTROUTING (nat). */
export function natFixedChains(): Chain[] {
  return [
    userChain(KUBE_POSTROUTING, [
      plain([{ kind: 'mark', value: MASQUERADE_MARK, mask: MASQUERADE_MARK, invert: true }], { kind: 'RETURN' }),
      // Clear the bit so a packet re-traversing the chain is not masqueraded twice.
      plain([], { kind: 'MARK', op: 'xor', value: MASQUERADE_MARK }),
      plain([comment('kubernetes service traffic requiring SNAT')], { kind: 'MASQUERADE', randomFully: true }),
    ]),
    userChain(KUBE_MARK_MASQ, [plain([], { kind: 'MARK', op: 'or', value: MASQUERADE_MARK })]),
  ];
}

/**
 * filter built-ins in hook order. Each jump is inserted at position 1 in the order of kube-proxy's
 * `iptablesJumpChains`, which leaves KUBE-PROXY-FIREWALL first (as real dumps show). kubelet's
 * KUBE-FIREWALL jumps are not kube-proxy's and are left out.
 */
export function filterBuiltinChains(): Chain[] {
  const lbFirewall = plain([ctstate('NEW'), comment(LB_FIREWALL)], jump(KUBE_PROXY_FIREWALL));
  const portals = plain([ctstate('NEW'), comment(SERVICE_PORTALS)], jump(KUBE_SERVICES));
  const external = plain([ctstate('NEW'), comment(EXTERNAL_PORTALS)], jump(KUBE_EXTERNAL_SERVICES));
  return [
    builtinChain('INPUT', [
      lbFirewall,
      plain([comment('kubernetes health check service ports')], jump(KUBE_NODEPORTS)),
      external,
    ]),
    builtinChain('FORWARD', [lbFirewall, plain([comment(FORWARDING_RULES)], jump(KUBE_FORWARD)), portals, external]),
    builtinChain('OUTPUT', [lbFirewall, portals]),
  ];
}

/**
 * KUBE-FORWARD (filter). The INVALID drop is written while `nf_conntrack_tcp_be_liberal` is 0, the
 * kernel default; the nfacct counter newer releases add to it is not modelled.
 */
export function filterForwardChain(): Chain {
  return userChain(KUBE_FORWARD, [
    plain([ctstate('INVALID')], { kind: 'DROP' }),
    plain(
      [comment(FORWARDING_RULES), { kind: 'mark', value: MASQUERADE_MARK, mask: MASQUERADE_MARK, invert: false }],
      { kind: 'ACCEPT' },
    ),
    plain([comment('kubernetes forwarding conntrack rule'), ctstate('RELATED', 'ESTABLISHED')], { kind: 'ACCEPT' }),
  ]);
}
