// The iptables-save text must be real iptables: load it with iptables-restore into a private network
// namespace (nothing on the host is touched), read it back with iptables-save in that namespace and
// compare. Runs once per iptables backend present (nft and legacy); where a backend, the namespace
// or the kernel support is missing, the test is skipped and says why.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileIptables } from '../../src/iptables/compile.js';
import { formatIptablesSave } from '../../src/iptables/save.js';
import type { Service } from '../../src/model/cluster.js';
import { formatIPv4 } from '../../src/model/ipv4.js';
import { ip, makeCluster, makeService } from '../helpers/cluster.js';

/** sbin is often missing from PATH for tools run by non-login shells. */
const PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/local/sbin`;

interface Run {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], input?: string): Run {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', env: { ...process.env, PATH }, maxBuffer: 256 << 20, timeout: 120_000 });
  const stderr = r.error ? String(r.error) : r.stderr;
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: stderr.trim() };
}

/** Loads `text` into a fresh network namespace and returns what iptables-save prints there. */
function loadAndSave(restore: string, save: string, text: string): Run {
  // One shell inside the namespace, so the save sees what the restore loaded; -w waits for the
  // xtables lock, which is a host-wide file even for private namespaces.
  return run('unshare', ['-n', 'sh', '-c', `${restore} -w 5 && ${save}`], text);
}

/** A known-good ruleset using every extension the compiler emits: loads iff the kernel supports them. */
const PROBE = `*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp -m comment --comment "probe" -m addrtype --dst-type LOCAL -m tcp --dport 1 -j REJECT --reject-with icmp-port-unreachable
-A INPUT -m conntrack --ctstate NEW -m mark --mark 0x4000/0x4000 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p udp -m statistic --mode random --probability 0.5 -m recent --rcheck --seconds 1 --reap --name P -m udp -j DNAT --to-destination 10.0.0.1:53
-A PREROUTING -p sctp -m recent --set --name P -m sctp --dport 1 -j MARK --or-mark 0x4000
-A POSTROUTING -j MASQUERADE --random-fully
COMMIT
`;

/** Why this backend cannot be exercised here, or null when it can. */
function unavailable(restore: string, save: string): string | null {
  if (process.platform !== 'linux') return `needs Linux network namespaces (platform is ${process.platform})`;
  for (const tool of ['unshare', restore, save]) {
    if (!run('sh', ['-c', `command -v ${tool}`]).ok) return `${tool} is not installed (Debian: apt-get install iptables util-linux)`;
  }
  const ns = run('unshare', ['-n', 'true']);
  if (!ns.ok) return `cannot create a network namespace (needs CAP_SYS_ADMIN): ${ns.stderr || 'unshare -n failed'}`;
  const probe = loadAndSave(restore, save, PROBE);
  if (!probe.ok) return `the kernel refused a known-good ruleset (missing netfilter modules?): ${probe.stderr.split('\n')[0]}`;
  return null;
}

/** iptables-save output without its `#` lines, as text per table (`*name` … `COMMIT`). */
function tables(saved: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  for (const line of saved.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      name = line.slice(1);
      lines = [];
    }
    lines.push(line);
    if (line === 'COMMIT' && name !== null) {
      out.set(name, lines.join('\n'));
      name = null;
    }
  }
  return out;
}

function ruleCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    if (line.startsWith('-A ')) counts.set(table, (counts.get(table) ?? 0) + 1);
  }
  return counts;
}

/** 1,000 service ports with 3 endpoints each; some NodePorts, some affinity, a few with none ready. */
function syntheticServices(): Service[] {
  return Array.from({ length: 1000 }, (_, s) =>
    makeService({
      name: `ns-${s % 13}/svc-${s}${s % 3 === 0 ? '' : ':p' + (s % 5)}`,
      clusterIP: formatIPv4(ip('10.96.0.0') + s),
      port: 80 + (s % 7),
      protocol: s % 11 === 0 ? 'udp' : 'tcp',
      nodePort: s % 10 === 0 ? 30000 + s : null,
      affinityTimeout: s % 9 === 0 ? 10800 : null,
      endpoints: [0, 1, 2].map((e) => ({ ip: formatIPv4(ip('10.244.0.0') + s * 4 + e), port: 8080, ready: s % 100 !== 5 })),
    }),
  );
}

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

const CASES: readonly { readonly label: string; readonly text: () => string }[] = [
  { label: 'golden-small', text: () => fixture('golden-small.iptables-save.txt') },
  {
    label: '1000-services',
    text: () => formatIptablesSave(compileIptables(makeCluster(syntheticServices(), { podCIDR: '10.244.0.0/16', nodeIPs: ['192.0.2.10'] }))),
  },
];

const BACKENDS = [
  { backend: 'nft', restore: 'iptables-nft-restore', save: 'iptables-nft-save' },
  { backend: 'legacy', restore: 'iptables-legacy-restore', save: 'iptables-legacy-save' },
] as const;

describe.each(BACKENDS)('iptables-restore ($backend backend) in a private network namespace', ({ backend, restore, save }) => {
  const reason = unavailable(restore, save);
  if (reason !== null) console.warn(`[iptables-restore ${backend}] skipped: ${reason}`);

  it.for(CASES)('loads $label and iptables-save prints it back unchanged', ({ text }, ctx) => {
    if (reason !== null) ctx.skip(reason);
    const ours = text();
    const loaded = loadAndSave(restore, save, ours);
    expect(loaded.stderr, 'iptables-restore or iptables-save complained').toBe('');
    expect(loaded.ok).toBe(true);
    const back = tables(loaded.stdout);
    const mine = tables(ours);
    expect(ruleCounts([...back.values()].join('\n'))).toEqual(ruleCounts(ours));
    // Both backends print tables in their own order; within a table the text must be identical.
    for (const [name, block] of mine) expect(back.get(name), `${name} table`).toBe(block);
  });
});

describe('iptables-restore test input', () => {
  it('is large and exercises every rule kind', () => {
    const text = CASES[1]!.text();
    expect(text).toContain('-m recent --set');
    expect(text).toContain('-j KUBE-EXT-');
    expect(text).toContain('-j REJECT');
    expect(text).toContain('-p udp');
    expect(text).not.toContain(' -> '); // large cluster mode: no per-endpoint comments
    expect(ruleCounts(text).get('nat')).toBeGreaterThan(10_000);
  });
});
