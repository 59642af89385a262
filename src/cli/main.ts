#!/usr/bin/env node
// The `kpbench` command: one line per error, exit 2 for bad input, nothing half-written.

import { KpbenchError } from '../errors.js';
import { decideCommand, DECIDE_HELP } from './decide.js';
import { rulesCommand, RULES_HELP } from './rules.js';
import { runCommand, RUN_HELP } from './run.js';
import { mergeCommand, MERGE_HELP } from './merge.js';
import { compareCommand, COMPARE_HELP } from './compare.js';

const HELP = `kpbench — kube-proxy dataplane benchmark (iptables, IPVS, nftables, userspace)

${RUN_HELP}
${MERGE_HELP}
${COMPARE_HELP}
${RULES_HELP}
${DECIDE_HELP}`;

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => number | Promise<number>>> = {
  run: runCommand,
  merge: mergeCommand,
  compare: (argv) => compareCommand(argv),
  rules: rulesCommand,
  decide: decideCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help' || name === '-h') {
    process.stdout.write(HELP + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) throw new KpbenchError('KPB_ERR_INPUT', `unknown command "${name}"; use one of ${Object.keys(COMMANDS).join(', ')} (kpbench --help)`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof KpbenchError) {
      process.stderr.write(`kpbench: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`kpbench: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
