// Where a command's cluster comes from: a scenario file, or the synthetic generator's options.

import { readFileSync } from 'node:fs';
import type { Cluster } from '../model/cluster.js';
import { parseScenario } from '../io/scenario.js';
import { syntheticCluster, type IntRange } from '../gen/cluster.js';
import { KpbenchError } from '../errors.js';
import { usage, type Options } from './args.js';

/** Options naming a cluster: `--scenario FILE`, or the synthetic form. */
export const CLUSTER_OPTIONS = ['scenario', 'services', 'endpoints', 'weights', 'nodeports', 'affinity', 'udp', 'dead', 'seed'] as const;

/** Reads a whole input file, turning I/O failures into input errors. */
export function readInput(command: string, option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new KpbenchError('KPB_ERR_INPUT', `${command}: --${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}; give a readable file`);
  }
}

/** Parses `a` or `a..b` into an inclusive range. */
export function parseRange(command: string, name: string, text: string, lo: number, hi: number): IntRange {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text);
  const a = m ? Number(m[1]) : NaN;
  const b = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(a >= lo && b <= hi && a <= b)) throw usage(command, `--${name} ${text}: expected N or A..B within ${lo}…${hi}`);
  return { lo: a, hi: b };
}

/** The cluster named by the options. */
export function clusterFrom(command: string, o: Options): Cluster {
  const scenario = o.get('scenario');
  if (scenario !== undefined) {
    if (o.get('services') !== undefined) throw usage(command, 'give either --scenario FILE or --services N, not both');
    return parseScenario(readInput(command, 'scenario', scenario), scenario);
  }
  const services = o.get('services');
  if (services === undefined) throw usage(command, 'name a cluster: --scenario FILE, or --services N [--endpoints E] [--seed S]');
  return syntheticCluster({
    services: o.integer(command, 'services', 0, 0, 1_000_000),
    endpoints: parseRange(command, 'endpoints', o.get('endpoints') ?? '3', 0, 4093),
    weights: parseRange(command, 'weights', o.get('weights') ?? '1', 0, 65535),
    nodePortFraction: o.number(command, 'nodeports', 0, 0, 1),
    affinityFraction: o.number(command, 'affinity', 0, 0, 1),
    udpFraction: o.number(command, 'udp', 0, 0, 1),
    deadFraction: o.number(command, 'dead', 0, 0, 1),
    seed: o.integer(command, 'seed', 1, 0, 0xffffffff),
  });
}
