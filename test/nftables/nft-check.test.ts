// Debian's real `nft -c -f` (check only, nothing is installed) accepts the ruleset for 1,000
// synthetic services. Where nft is missing or cannot run here, the test is skipped with the reason.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticCluster } from '../../src/gen/cluster.js';
import { formatNftRuleset } from '../../src/nftables/ruleset-text.js';

const dir = mkdtempSync(join(tmpdir(), 'kpbench-nft-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nftCheck(text: string, name: string): { ok: boolean; detail: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  const r = spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, detail: r.error.message };
  return { ok: r.status === 0, detail: `exit ${r.status}: ${(r.stderr || r.stdout).trim().slice(0, 2000)}` };
}

/** Why nft cannot check rulesets here, or null when a trivial ruleset checks fine. */
function nftUnavailable(): string | null {
  const probe = nftCheck('add table ip kpbench-probe\nadd chain ip kpbench-probe c { type nat hook prerouting priority -100 ; }\n', 'probe.nft');
  return probe.ok ? null : `nft -c -f cannot run here (${probe.detail}); install Debian's nftables package (and run with CAP_NET_ADMIN)`;
}

describe('nft -c -f', () => {
  const reason = nftUnavailable();
  it('accepts the ruleset for 1,000 synthetic services (NodePorts, affinity, UDP, dead and missing endpoints)', (ctx) => {
    if (reason !== null) {
      console.warn(`skipped: ${reason}`);
      ctx.skip(reason);
      return;
    }
    const cluster = syntheticCluster({
      services: 1000, seed: 7, endpoints: { lo: 0, hi: 5 }, nodePortFraction: 0.3, affinityFraction: 0.3, udpFraction: 0.2, deadFraction: 0.1,
    });
    const text = formatNftRuleset(cluster);
    expect(text).toContain('numgen random mod');
    expect(text).toContain('goto reject-chain');
    expect(text).toContain('flags dynamic,timeout');
    const r = nftCheck(text, 'kube-proxy.nft');
    expect(r.ok, r.detail).toBe(true);
  });
});
