// SPEC 5/6 through the real command: rules and decide on good input, and bad input gets one line
// naming the place, exit code 2 and no output file. Runs the built CLI (npm test builds first).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/wasm/package-root.js';

const CLI = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'kpbench-cli-'));

function kpbench(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const scenario = {
  podCIDR: '10.244.0.0/16',
  nodeIPs: ['192.0.2.10'],
  services: [
    {
      name: 'demo/web:http', clusterIP: '10.96.40.10', port: 80, protocol: 'tcp', nodePort: 30080,
      endpoints: [
        { ip: '10.244.1.10', port: 8080 }, { ip: '10.244.1.11', port: 8080, serving: false }, { ip: '10.244.2.9', port: 8080 },
      ],
    },
    { name: 'demo/empty', clusterIP: '10.96.40.11', port: 80, protocol: 'tcp', endpoints: [] },
  ],
};
const scenarioPath = join(dir, 'cluster.json');
writeFileSync(scenarioPath, JSON.stringify(scenario));
const flowsPath = join(dir, 'flows.csv');
const rows = ['start,src,sport,dst,dport,proto,duration'];
for (let i = 0; i < 300; i++) rows.push(`${(i / 100).toFixed(2)},10.244.9.${i % 200},${30000 + i},10.96.40.10,80,tcp,0.5`);
rows.push('3.5,10.244.9.1,40000,10.96.40.11,80,tcp,1', '3.6,10.244.9.1,40001,10.1.2.3,80,tcp,1', '3.7,10.244.9.1,40002,192.0.2.10,30080,tcp,1');
writeFileSync(flowsPath, rows.join('\n') + '\n');

describe('kpbench CLI', () => {
  it.each(['iptables', 'ipvs', 'nftables', 'userspace'])('decide --mode %s prints one row per flow with verdict, endpoint, work and outcome', (mode) => {
    const r = kpbench('decide', '--scenario', scenarioPath, '--flows', flowsPath, '--mode', mode);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('flow,verdict,endpoint,rules,outcome');
    expect(lines).toHaveLength(rows.length);
    const body = lines.slice(1).map((l) => l.split(','));
    for (const [i, row] of body.entries()) expect(row[0]).toBe(String(i));
    const web = body.slice(0, 300);
    for (const row of web) {
      expect(row[1]).toBe('dnat');
      expect(['10.244.1.10:8080', '10.244.1.11:8080', '10.244.2.9:8080']).toContain(row[2]);
      expect(row[4]).toBe(row[2] === '10.244.1.11:8080' ? 'failed' : 'ok');
      expect(Number(row[3])).toBeGreaterThan(0);
    }
    if (mode !== 'userspace') expect(web.filter((x) => x[4] === 'failed').length).toBeGreaterThan(50);
    else expect(web.filter((x) => x[4] === 'failed').length).toBe(0);
    expect(body[300]!.slice(1, 3)).toEqual(['reject', '']);
    expect(body[301]!.slice(1, 3)).toEqual(['nomatch', '']);
    expect(body[302]![1]).toBe('dnat'); // NodePort on the node IP
  });

  it('rules --format iptables-save|ipvsadm|nft print rulesets for a scenario and a synthetic cluster', () => {
    const ipt = kpbench('rules', '--scenario', scenarioPath, '--format', 'iptables-save');
    expect(ipt.code).toBe(0);
    expect(ipt.out).toContain('-A KUBE-SERVICES -d 10.96.40.10/32 -p tcp -m comment --comment "demo/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-XRY76EGRC3BSCIIJ');
    const ipvs = kpbench('rules', '--scenario', scenarioPath, '--format', 'ipvsadm');
    expect(ipvs.code).toBe(0);
    expect(ipvs.out).toContain('-A -t 10.96.40.10:80 -s rr');
    const nft = kpbench('rules', '--services', '20', '--endpoints', '3', '--seed', '2', '--format', 'nft');
    expect(nft.code).toBe(0);
    expect(nft.out).toContain('kube-proxy');
  });

  it('a malformed scenario gives one line naming the JSON path, exit 2, and no output file', () => {
    const bad = structuredClone(scenario) as any;
    bad.services[0].endpoints[1].ip = '10.244.1.300';
    const badPath = join(dir, 'bad.json');
    writeFileSync(badPath, JSON.stringify(bad));
    const out = join(dir, 'never.csv');
    const r = kpbench('decide', '--scenario', badPath, '--flows', flowsPath, '--mode', 'iptables', '--out', out);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^kpbench: .*bad\.json: services\[0\]\.endpoints\[1\]\.ip: not an IPv4 address/);
    expect(existsSync(out)).toBe(false);
  });

  it('a malformed flow file names line and column, exit 2, and no output file', () => {
    const badFlows = join(dir, 'bad.csv');
    writeFileSync(badFlows, 'start,src,sport,dst,dport,proto,duration\n0,10.0.0.1,1,10.96.40.10,80,tcp,1\n1,10.0.0.1,1,10.96.40.10,80,icmp,1\n');
    const out = join(dir, 'never2.csv');
    const r = kpbench('decide', '--scenario', scenarioPath, '--flows', badFlows, '--mode', 'ipvs', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kpbench: .*bad\.csv: line 3, column 6 \(proto\): expected tcp or udp/);
    expect(existsSync(out)).toBe(false);
  });

  it('unknown commands, options and schedulers are one-line errors with exit 2', () => {
    expect(kpbench('frobnicate').code).toBe(2);
    const r = kpbench('decide', '--scenario', scenarioPath, '--flows', flowsPath, '--mode', 'ipvs', '--scheduler', 'xx');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--scheduler xx: use one of rr, wrr, lc, wlc, sed, nq, dh, sh, mh/);
    expect(kpbench('run', '--flows', '-5').code).toBe(2);
  });

  it('--out writes the same CSV as standard output', () => {
    const out = join(dir, 'decisions.csv');
    const r = kpbench('decide', '--scenario', scenarioPath, '--flows', flowsPath, '--mode', 'nftables', '--out', out);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(kpbench('decide', '--scenario', scenarioPath, '--flows', flowsPath, '--mode', 'nftables').out);
  });
});
