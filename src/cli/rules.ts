// `kpbench rules`: the ruleset kube-proxy would program, in the save format of each tool.

import { compileIptables } from '../iptables/compile.js';
import { formatIptablesSave } from '../iptables/save.js';
import { formatIpvsadm } from '../ipvs/ipvsadm.js';
import { formatNftRuleset } from '../nftables/ruleset-text.js';
import { SCHEDULER_NAMES } from '../model/cluster.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { Options } from './args.js';
import { CLUSTER_OPTIONS, clusterFrom } from './cluster-source.js';

/** Help text of `kpbench rules`. */
export const RULES_HELP = `kpbench rules (--scenario FILE | --services N [--endpoints E] [--seed S] [--nodeports F] [--affinity F])
              --format iptables-save|ipvsadm|nft [--scheduler S] [--out FILE]`;

const FORMATS = ['iptables-save', 'ipvsadm', 'nft'] as const;

/** Runs `rules`; returns the process exit code. */
export function rulesCommand(argv: readonly string[]): number {
  const cmd = 'rules';
  const o = new Options(cmd, argv, [...CLUSTER_OPTIONS, 'format', 'scheduler', 'out']);
  o.required(cmd, 'format', FORMATS.join('|'));
  const format = o.choice(cmd, 'format', FORMATS, 'iptables-save');
  const scheduler = o.choice(cmd, 'scheduler', SCHEDULER_NAMES, 'rr');
  const cluster = clusterFrom(cmd, o);
  const text =
    format === 'iptables-save' ? formatIptablesSave(compileIptables(cluster))
    : format === 'ipvsadm' ? formatIpvsadm(cluster, { scheduler })
    : formatNftRuleset(cluster);
  const out = o.get('out');
  if (out === undefined) process.stdout.write(text);
  else writeFileAtomic(out, text);
  return 0;
}
