// SPEC 5: the programmatic API (`import { … } from 'kpbench'`) works end to end through the barrel.
import { describe, expect, it } from 'vitest';
import * as kpbench from '../../src/index.js';

describe('kpbench API barrel', () => {
  it('builds a cluster, its ruleset, and decides flows in every mode', () => {
    const cluster = kpbench.syntheticCluster({ services: 20, seed: 4 });
    expect(kpbench.formatIptablesSave(kpbench.compileIptables(cluster))).toContain('-A KUBE-SERVICES');
    expect(kpbench.formatIpvsadm(cluster, {})).toContain('-A -t ');
    const flows = kpbench.syntheticFlows(cluster, 0, 500, { seed: 4, miss: 0.1 });
    const verdicts = kpbench.MODES.map((mode) => kpbench.createEngine(mode, cluster, { kind: kpbench.defaultBuild(), seed: 4 }).decide(flows).map((d) => d.verdict === 'nomatch'));
    for (const v of verdicts) expect(v).toEqual(verdicts[0]);
    expect(verdicts[0]!.filter(Boolean).length).toBeGreaterThan(20);
  });

  it('reports bad input as InputError', () => {
    expect(() => kpbench.parseScenario('{"services": []}', 'x.json')).not.toThrow();
    expect(() => kpbench.parseScenario('[]', 'x.json')).toThrow(kpbench.InputError);
  });
});
