// Was the baseline updated in the same change? Tier A changes are accepted only then (snapshot
// style: changing behaviour on purpose means committing the new baseline with it). The rule, in
// order, first match wins:
//   1. `--baseline-updated`, or KPBENCH_BASELINE_UPDATED=1 in the environment: yes;
//   2. the file differs from HEAD in the working tree or index, or is untracked (git status): yes;
//   3. with a base ref (`--base-ref REF`, KPBENCH_BASE_REF, or origin/$GITHUB_BASE_REF on a pull
//      request), the file changed between the merge base and HEAD (git diff REF...HEAD): yes;
//   4. otherwise, and whenever git is missing or the file is outside a checkout or ignored: no.

import { spawnSync } from 'node:child_process';
import { basename, dirname } from 'node:path';

/** Runs git in `cwd`; returns its exit status (null when it could not run) and stdout. */
export type GitRunner = (args: readonly string[], cwd: string) => { readonly status: number | null; readonly stdout: string };

/** The answer and why, for the summary. */
export interface BaselineUpdate {
  readonly updated: boolean;
  readonly reason: string;
}

const runGit: GitRunner = (args, cwd) => {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  return { status: r.error === undefined ? r.status : null, stdout: r.stdout ?? '' };
};

/** The base ref to diff against, from the option or the environment; undefined when none. */
export function baseRefOf(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (option !== undefined && option !== '') return option;
  if (env['KPBENCH_BASE_REF'] !== undefined && env['KPBENCH_BASE_REF'] !== '') return env['KPBENCH_BASE_REF'];
  if (env['GITHUB_BASE_REF'] !== undefined && env['GITHUB_BASE_REF'] !== '') return `origin/${env['GITHUB_BASE_REF']}`;
  return undefined;
}

/** Applies the rule above to the baseline at `file`. */
export function baselineUpdated(
  file: string,
  o: { readonly flag: boolean; readonly env: NodeJS.ProcessEnv; readonly baseRef?: string | undefined; readonly git?: GitRunner },
): BaselineUpdate {
  if (o.flag) return { updated: true, reason: '--baseline-updated' };
  if (o.env['KPBENCH_BASELINE_UPDATED'] === '1') return { updated: true, reason: 'KPBENCH_BASELINE_UPDATED=1' };
  const git = o.git ?? runGit;
  const cwd = dirname(file) === '' ? '.' : dirname(file);
  const name = basename(file);
  const status = git(['status', '--porcelain', '--', name], cwd);
  if (status.status !== 0) return { updated: false, reason: `${file} is not in a git checkout` };
  if (status.stdout.trim() !== '') return { updated: true, reason: `${file} has uncommitted changes` };
  // A clean status also covers ignored files, which git does not track at all.
  if (git(['ls-files', '--error-unmatch', '--', name], cwd).status !== 0) return { updated: false, reason: `${file} is not tracked by git` };
  const ref = baseRefOf(o.baseRef, o.env);
  if (ref !== undefined) {
    const diff = git(['diff', '--quiet', `${ref}...HEAD`, '--', name], cwd);
    if (diff.status === 1) return { updated: true, reason: `${file} changed since ${ref}` };
    if (diff.status !== 0) return { updated: false, reason: `could not diff against ${ref} (fetch it, e.g. actions/checkout with fetch-depth: 0)` };
    return { updated: false, reason: `${file} unchanged since ${ref}` };
  }
  return { updated: false, reason: `${file} is committed and unchanged` };
}
