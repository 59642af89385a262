// Table-driven cases for the iptables-save printer. Every expected line was checked against what
// iptables 1.8.9 (nft and legacy) prints back after iptables-restore of the same rule.

import { describe, expect, it } from 'vitest';
import { formatIptablesSave, formatRule, quoteSaveString } from '../../src/iptables/save.js';
import type { Match, Rule, Ruleset, Target } from '../../src/iptables/ruleset.js';
import { ip } from '../helpers/cluster.js';

const rule = (matches: Match[], target: Target, fixed: Partial<Pick<Rule, 'src' | 'dst' | 'proto'>> = {}): Rule => ({
  src: null,
  dst: null,
  proto: null,
  ...fixed,
  matches,
  target,
});
const accept: Target = { kind: 'ACCEPT' };

const CASES: readonly { name: string; rule: Rule; line: string }[] = [
  { name: 'comment quoted with escapes', rule: rule([{ kind: 'comment', text: `it's a "q" \\ b` }], accept), line: `-A C -m comment --comment "it\\'s a \\"q\\" \\\\ b" -j ACCEPT` },
  { name: 'bare comment', rule: rule([{ kind: 'comment', text: 'abc_-9' }], accept), line: '-A C -m comment --comment abc_-9 -j ACCEPT' },
  { name: 'empty comment', rule: rule([{ kind: 'comment', text: '' }], accept), line: '-A C -m comment --comment "" -j ACCEPT' },
  {
    name: 'conntrack states in libxt_conntrack order',
    rule: rule([{ kind: 'conntrack', states: ['ESTABLISHED', 'NEW', 'INVALID'], invert: false }], accept),
    line: '-A C -m conntrack --ctstate INVALID,NEW,ESTABLISHED -j ACCEPT',
  },
  { name: 'inverted conntrack', rule: rule([{ kind: 'conntrack', states: ['NEW'], invert: true }], accept), line: '-A C -m conntrack ! --ctstate NEW -j ACCEPT' },
  {
    name: 'sport before an inverted dport range',
    rule: rule([{ kind: 'proto', proto: 'tcp', sport: { lo: 5, hi: 5, invert: false }, dport: { lo: 80, hi: 90, invert: true } }], accept, { proto: 'tcp' }),
    line: '-A C -p tcp -m tcp --sport 5 ! --dport 80:90 -j ACCEPT',
  },
  { name: 'inverted addrtype', rule: rule([{ kind: 'addrtype', dir: 'src', invert: true }], accept), line: '-A C -m addrtype ! --src-type LOCAL -j ACCEPT' },
  {
    name: 'inverted random',
    rule: rule([{ kind: 'random', probability: 0.5, threshold: 0x40000000, invert: true }], accept),
    line: '-A C -m statistic --mode random ! --probability 0.50000000000 -j ACCEPT',
  },
  {
    name: 'printed from the stored threshold',
    rule: rule([{ kind: 'random', probability: 0.0002441406, threshold: 524288, invert: false }], accept),
    line: '-A C -m statistic --mode random --probability 0.00024414062 -j ACCEPT',
  },
  { name: 'nth', rule: rule([{ kind: 'nth', every: 3, packet: 1, invert: false }], accept), line: '-A C -m statistic --mode nth --every 3 --packet 1 -j ACCEPT' },
  { name: 'inverted nth', rule: rule([{ kind: 'nth', every: 3, packet: 0, invert: true }], accept), line: '-A C -m statistic --mode nth ! --every 3 --packet 0 -j ACCEPT' },
  { name: 'mark without mask', rule: rule([{ kind: 'mark', value: 0x4000, mask: 0xffffffff, invert: true }], accept), line: '-A C -m mark ! --mark 0x4000 -j ACCEPT' },
  {
    name: 'recent rcheck without seconds',
    rule: rule([{ kind: 'recent', name: 'X', mode: 'rcheck', seconds: 0, reap: false }], accept),
    line: '-A C -m recent --rcheck --name X --mask 255.255.255.255 --rsource -j ACCEPT',
  },
  {
    name: 'inverted addresses and goto',
    rule: rule([{ kind: 'proto', proto: 'tcp', sport: null, dport: { lo: 80, hi: 80, invert: false } }], { kind: 'goto', chain: 'KUBE-X' }, {
      src: { net: ip('10.0.0.0'), prefix: 8, invert: true },
      dst: { net: ip('1.2.3.4'), prefix: 32, invert: true },
      proto: 'tcp',
    }),
    line: '-A C ! -s 10.0.0.0/8 ! -d 1.2.3.4/32 -p tcp -m tcp --dport 80 -g KUBE-X',
  },
  { name: 'xor-mark', rule: rule([], { kind: 'MARK', op: 'xor', value: 0x4000 }), line: '-A C -j MARK --set-xmark 0x4000/0x0' },
  { name: 'or-mark', rule: rule([], { kind: 'MARK', op: 'or', value: 0x4000 }), line: '-A C -j MARK --set-xmark 0x4000/0x4000' },
  { name: 'plain MASQUERADE', rule: rule([], { kind: 'MASQUERADE', randomFully: false }), line: '-A C -j MASQUERADE' },
  { name: 'DNAT', rule: rule([], { kind: 'DNAT', ip: ip('1.2.3.4'), port: 53, endpoint: 7 }, { proto: 'udp' }), line: '-A C -p udp -j DNAT --to-destination 1.2.3.4:53' },
  { name: 'no target', rule: rule([{ kind: 'comment', text: 'x' }], { kind: 'none' }), line: '-A C -m comment --comment x' },
];

describe('formatRule()', () => {
  it.each(CASES)('$name', ({ rule: r, line }) => {
    expect(formatRule('C', r)).toBe(line);
  });
});

describe('quoteSaveString()', () => {
  it('quotes anything outside [A-Za-z0-9_-]', () => {
    expect(quoteSaveString('ns/svc:port')).toBe('"ns/svc:port"');
    expect(quoteSaveString('KUBE-SEP-ABC_1')).toBe('KUBE-SEP-ABC_1');
  });
});

describe('formatIptablesSave()', () => {
  it('prints filter before nat, built-ins in hook order, then user chains by name', () => {
    const chain = (name: string, policy: 'ACCEPT' | 'DROP' | null, rules: Rule[] = []) => ({ name, policy, rules });
    const rs: Ruleset = {
      localAddresses: [],
      tables: [
        { name: 'nat', chains: [chain('POSTROUTING', 'ACCEPT'), chain('KUBE-B', null, [rule([], { kind: 'RETURN' })]), chain('PREROUTING', 'DROP'), chain('KUBE-A', null, [rule([], { kind: 'jump', chain: 'KUBE-B' })])] },
        { name: 'filter', chains: [chain('OUTPUT', 'ACCEPT'), chain('INPUT', 'ACCEPT', [rule([], { kind: 'DROP' })])] },
      ],
    };
    expect(formatIptablesSave(rs)).toBe(
      [
        '*filter', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -j DROP', 'COMMIT',
        '*nat', ':PREROUTING DROP [0:0]', ':POSTROUTING ACCEPT [0:0]', ':KUBE-A - [0:0]', ':KUBE-B - [0:0]', '-A KUBE-A -j KUBE-B', '-A KUBE-B -j RETURN', 'COMMIT',
        '',
      ].join('\n'),
    );
  });
});
