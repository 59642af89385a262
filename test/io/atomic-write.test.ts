// SPEC 6: results are written to a temporary file and renamed, so a run killed at any moment
// leaves either the old file or the complete new one — never a torn file.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/wasm/package-root.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';

const WRITER = join(packageRoot(), 'dist', 'src', 'io', 'atomic-write.js');

describe('writeFileAtomic()', () => {
  it('replaces the file whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpbench-aw-'));
    const path = join(dir, 'r.json');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('leaves the old or the complete new file when the writer is killed mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpbench-aw-'));
    const path = join(dir, 'r.json');
    const versions = (k: number): string => `${k}:` + String(k % 10).repeat(8 * 1024 * 1024) + `:${k}`;
    writeFileSync(path, versions(0));
    const script = `import { writeFileAtomic } from ${JSON.stringify(WRITER)};
      const v = (k) => k + ':' + String(k % 10).repeat(8 * 1024 * 1024) + ':' + k;
      for (let k = 1; ; k++) writeFileAtomic(${JSON.stringify(path)}, v(k));`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 150 + attempt * 97));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const text = readFileSync(path, 'utf8');
      const k = Number(text.slice(0, text.indexOf(':')));
      expect(text).toBe(versions(k));
    }
  });
});
