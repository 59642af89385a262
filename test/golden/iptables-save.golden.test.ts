// Golden test: the small scenario's iptables-save text against the checked-in, hand-reviewed file,
// plus cross-checks against the worked example (dataplane.md 2.7) and the probability table (2.5).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/io/scenario.js';
import { compileIptables } from '../../src/iptables/compile.js';
import { formatIptablesSave } from '../../src/iptables/save.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const scenarioFile = 'golden-small.scenario.json';
const text = formatIptablesSave(compileIptables(parseScenario(fixture(scenarioFile), scenarioFile)));
const lines = text.split('\n');

// dataplane.md 2.7 verbatim: one ClusterIP service with 3 endpoints; every line must appear in our
// output, in this order (our output only adds the other services' lines in between).
const EXAMPLE_2_7 = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-4R67FX26EEAQJQLI - [0:0]
:KUBE-SEP-HEYAT6BZNHOVKI2P - [0:0]
:KUBE-SEP-SI62D7XAGVO2CP3X - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-XRY76EGRC3BSCIIJ - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-4R67FX26EEAQJQLI -s 10.244.1.11/32 -m comment --comment "demo/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-4R67FX26EEAQJQLI -p tcp -m comment --comment "demo/web:http" -m tcp -j DNAT --to-destination 10.244.1.11:8080
-A KUBE-SEP-HEYAT6BZNHOVKI2P -s 10.244.2.9/32 -m comment --comment "demo/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-HEYAT6BZNHOVKI2P -p tcp -m comment --comment "demo/web:http" -m tcp -j DNAT --to-destination 10.244.2.9:8080
-A KUBE-SEP-SI62D7XAGVO2CP3X -s 10.244.1.10/32 -m comment --comment "demo/web:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-SI62D7XAGVO2CP3X -p tcp -m comment --comment "demo/web:http" -m tcp -j DNAT --to-destination 10.244.1.10:8080
-A KUBE-SERVICES -d 10.96.40.10/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-XRY76EGRC3BSCIIJ
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-XRY76EGRC3BSCIIJ ! -s 10.244.0.0/16 -d 10.96.40.10/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-XRY76EGRC3BSCIIJ -m comment --comment "demo/web:http -> 10.244.1.10:8080" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-SI62D7XAGVO2CP3X
-A KUBE-SVC-XRY76EGRC3BSCIIJ -m comment --comment "demo/web:http -> 10.244.1.11:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-4R67FX26EEAQJQLI
-A KUBE-SVC-XRY76EGRC3BSCIIJ -m comment --comment "demo/web:http -> 10.244.2.9:8080" -j KUBE-SEP-HEYAT6BZNHOVKI2P
COMMIT`.split('\n');

// dataplane.md 2.5, "iptables-save shows" column, by endpoints left k.
const SAVED_2_5: Readonly<Record<number, string>> = {
  2: '0.50000000000', 3: '0.33333333349', 4: '0.25000000000', 5: '0.20000000019', 6: '0.16666666651',
  7: '0.14285714272', 9: '0.11111111101', 10: '0.10000000009',
  // Not a row of the table: 1/8 is exact in binary, so 2^31/8 is stored and printed back exactly.
  8: '0.12500000000',
};

function probabilities(chain: string): string[] {
  return lines
    .filter((l) => l.startsWith(`-A ${chain} `))
    .map((l) => / --probability (\S+)/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
}

describe('iptables-save golden: golden-small scenario', () => {
  it('equals the checked-in, hand-reviewed text', () => {
    expect(text).toBe(fixture('golden-small.iptables-save.txt'));
  });

  it('contains the dataplane.md 2.7 example verbatim and in order', () => {
    let at = lines.indexOf('*nat');
    for (const want of EXAMPLE_2_7) {
      const found = lines.indexOf(want, at);
      expect(found, `2.7 line missing or out of order: ${want}`).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }
  });

  it('prints the dataplane.md 2.5 probabilities for 10, 3 and 2 endpoints', () => {
    const k = (n: number): string[] => Array.from({ length: n - 1 }, (_, i) => SAVED_2_5[n - i]!);
    expect(probabilities('KUBE-SVC-I5LIAMPLWKMBJ54B')).toEqual(k(10)); // shop/cart:http, 10 ready of 12
    expect(probabilities('KUBE-SVC-XRY76EGRC3BSCIIJ')).toEqual(k(3)); // demo/web:http
    expect(probabilities('KUBE-SVC-TCOU7JCQXEZGVUNU')).toEqual(k(2)); // kube-system/kube-dns:dns
    expect(probabilities('KUBE-SVC-NPX46M4PTMTKRN6Y')).toEqual([]); // one endpoint: no statistic
  });

  it('agrees with chain names seen in real kube-proxy dumps', () => {
    // Both names appear in public iptables-save dumps of real clusters for these service ports.
    expect(text).toContain(':KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]'); // default/kubernetes:https tcp
    expect(text).toContain(':KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]'); // kube-system/kube-dns:dns udp
  });
});
