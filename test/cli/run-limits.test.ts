// SPEC 6 / issue 7 through the real command: sizes beyond what a WASM instance holds are refused
// up front with the limit named (exit 2); an injected worker fault ends the run with a non-zero
// exit naming the shard.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/wasm/package-root.js';

const CLI = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const out = mkdtempSync(join(tmpdir(), 'kpbench-lim-'));

function kpbench(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, err: r.stderr };
}

describe('kpbench run limits and faults', () => {
  it('refuses an IPVS workload whose live connections cannot fit, naming the limit and the fix', () => {
    const r = kpbench('run', '--modes', 'ipvs', '--rate', '10000000', '--out-dir', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/live connections per shard .* over the 3 GiB a WASM instance can give them\); lower --rate/);
  });

  it('refuses flows, services and clients beyond their limits', () => {
    expect(kpbench('run', '--flows', '5000000000').err).toMatch(/--flows 5000000000: expected an integer 1…4000000000/);
    expect(kpbench('run', '--services', '2000000').err).toMatch(/--services 2000000: expected integers 1…1000000/);
    expect(kpbench('run', '--clients', '9999999').code).toBe(2);
  });

  it.each(['throw', 'exit'])('a worker that %ss ends the run with exit 1 naming the shard', (kind) => {
    const r = kpbench('run', '--services', '30', '--flows', '20000', '--modes', 'nftables', '--workers', '2', '--out-dir', out,
      '--inject-fault', `${kind}@nftables/30/1`);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^kpbench: case nftables\/30 shard 1\/2 failed/);
  });
});
