// SPEC 6 / issue 4: Ctrl-C stops a run cleanly, keeps the finished cases in a complete (not
// half-written) report, and exits non-zero. Runs the built CLI (npm test builds first).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/wasm/package-root.js';
import { parseReport } from '../../src/report/read-report.js';

const CLI = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

describe('kpbench run, interrupted', () => {
  it('on SIGINT writes the finished cases and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpbench-int-'));
    const child = spawn(process.execPath, [CLI, 'run', '--services', '20,40,60,80,100,120,140,160', '--modes', 'nftables,userspace', '--flows', '400000',
      '--workers', '1', '--rounds', '2', '--out-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const interrupted = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/\[\d+\/\d+\] nftables\/20/.test(out) && !child.killed) {
          child.kill('SIGINT');
          resolve();
        }
      });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await interrupted;
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted: \d+ of 16 cases finished and were written/);
    const report = parseReport(readFileSync(join(dir, 'kpbench.json'), 'utf8'), 'kpbench.json');
    expect(report.complete).toBe(false);
    expect(report.cases.length).toBeGreaterThanOrEqual(1);
    expect(report.cases.length).toBeLessThan(16);
    for (const c of report.cases) expect(c.verdicts.dnat + c.verdicts.nomatch + c.verdicts.reject).toBe(400000);
    expect(existsSync(join(dir, 'kpbench.md'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
