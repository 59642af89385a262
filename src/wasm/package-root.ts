// Finds the installed kpbench package root, so build/ resolves the same from src/ (vitest, tsx)
// and from dist/src/ (compiled).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** Absolute path of the directory holding kpbench's package.json. */
export function packageRoot(): string {
  if (cached !== null) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kpbench') {
      cached = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('kpbench: cannot find the package root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}
