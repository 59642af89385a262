// Runs a command function the way src/cli/main.ts does: a KpbenchError becomes its exit code and
// one stderr line; stdout is captured.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KpbenchError } from '../../src/errors.js';
import type { CommandIo } from '../../src/cli/compare-output.js';

/** What a command run printed and returned. */
export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Calls `command(argv, io)` and maps a thrown KpbenchError to its exit code. */
export async function runCli(command: (argv: readonly string[], io: CommandIo) => number | Promise<number>, argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  let stdout = '';
  const io: CommandIo = { out: (t) => { stdout += t; }, env };
  try {
    return { code: await command(argv, io), stdout, stderr: '' };
  } catch (e) {
    if (e instanceof KpbenchError) return { code: e.exitCode, stdout, stderr: `kpbench: ${e.message}\n` };
    throw e;
  }
}

/** A fresh directory outside any git checkout, so the baseline never counts as updated by git. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'kpbench-compare-'));
}

/** Writes `value` as JSON into `dir/name`; returns the path. */
export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 1));
  return path;
}
