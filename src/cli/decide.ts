// `kpbench decide`: where would each of these connections go, and why.

import { SCHEDULER_NAMES } from '../model/cluster.js';
import { parseScenario } from '../io/scenario.js';
import { parseFlowsCsv } from '../io/flows-csv.js';
import { formatDecisionsCsv } from '../io/decisions-csv.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { createEngine, MODES } from '../engines/factory.js';
import { defaultBuild } from '../wasm/loader.js';
import { Options } from './args.js';
import { readInput } from './cluster-source.js';

/** Help text of `kpbench decide`. */
export const DECIDE_HELP = `kpbench decide --scenario FILE --flows FILE --mode MODE [options]
  --mode iptables|ipvs|nftables|userspace
  --scheduler S             IPVS scheduler for services without their own (rr wrr lc wlc sed nq dh sh mh; default rr)
  --seed N                  seed of statistic/numgen randomness (default 1)
  --engine simd|scalar|reference   which implementation decides (default: simd where supported)
  --ipvs-tcpfin-timeout S   --ipvs-udp-timeout S   IPVS timeouts in seconds (120, 300)
  --out FILE                write the CSV to FILE (atomically) instead of standard output`;

/** Runs `decide`; returns the process exit code. */
export function decideCommand(argv: readonly string[]): number {
  const cmd = 'decide';
  const o = new Options(cmd, argv, ['scenario', 'flows', 'mode', 'scheduler', 'seed', 'engine', 'ipvs-tcpfin-timeout', 'ipvs-udp-timeout', 'out']);
  const scenarioPath = o.required(cmd, 'scenario', 'the cluster as scenario JSON');
  const flowsPath = o.required(cmd, 'flows', 'CSV with start,src,sport,dst,dport,proto,duration');
  const mode = o.choice(cmd, 'mode', MODES, 'iptables');
  if (o.get('mode') === undefined) o.required(cmd, 'mode', `one of ${MODES.join(', ')}`);
  const scheduler = o.choice(cmd, 'scheduler', SCHEDULER_NAMES, 'rr');
  const seed = o.integer(cmd, 'seed', 1, 0, 0xffffffff);
  const kind = o.choice(cmd, 'engine', ['simd', 'scalar', 'reference'] as const, defaultBuild());
  const tcpFinTimeout = o.number(cmd, 'ipvs-tcpfin-timeout', 120, 1, 86400 * 365);
  const udpTimeout = o.number(cmd, 'ipvs-udp-timeout', 300, 1, 86400 * 365);
  const cluster = parseScenario(readInput(cmd, 'scenario', scenarioPath), scenarioPath);
  const flows = parseFlowsCsv(readInput(cmd, 'flows', flowsPath), flowsPath);
  const engine = createEngine(mode, cluster, { kind, seed, scheduler, tcpFinTimeout, udpTimeout });
  const csv = formatDecisionsCsv(cluster, engine.decide(flows));
  const out = o.get('out');
  if (out === undefined) process.stdout.write(csv);
  else writeFileAtomic(out, csv);
  return 0;
}
