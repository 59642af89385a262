// SPEC 2.1: the scenario reader builds the model and reports every problem with its JSON path.
import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { parseScenario } from '../../src/io/scenario.js';
import { InputError, KpbenchError } from '../../src/errors.js';
import { parseIPv4 } from '../../src/model/ipv4.js';

/** Generated inputs per fuzz property; KPBENCH_FUZZ_RUNS=100000 for a long run. */
const FUZZ_RUNS = Number(process.env['KPBENCH_FUZZ_RUNS'] ?? 300);

const good = {
  podCIDR: '10.244.0.0/16',
  nodeIPs: ['192.0.2.10'],
  services: [
    {
      name: 'demo/web:http', clusterIP: '10.96.40.10', port: 80, protocol: 'tcp', nodePort: 30080,
      sessionAffinity: { clientIP: { timeoutSeconds: 10800 } },
      ipvs: { scheduler: 'sh', flags: ['sh-port'] },
      endpoints: [
        { ip: '10.244.1.10', port: 8080, weight: 1, ready: true, serving: true },
        { ip: '10.244.1.11', port: 8080, terminating: true },
      ],
    },
    { name: 'kube-system/dns', clusterIP: '10.96.0.10', port: 53, protocol: 'udp', endpoints: [] },
  ],
};

function problemsOf(doc: unknown): string[] {
  try {
    parseScenario(JSON.stringify(doc), 's.json');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems.map((p) => `${p.place}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('parseScenario()', () => {
  it('reads the SPEC 2.1 example with its defaults', () => {
    const c = parseScenario(JSON.stringify(good), 's.json');
    expect(c.podCIDR).toEqual({ net: parseIPv4('10.244.0.0'), prefix: 16 });
    expect(c.nodeIPs).toEqual([parseIPv4('192.0.2.10')]);
    const [web, dns] = c.services;
    expect(web).toMatchObject({ name: 'demo/web:http', port: 80, protocol: 'tcp', nodePort: 30080, affinityTimeout: 10800 });
    expect(web!.ipvs).toEqual({ scheduler: 'sh', flags: ['sh-port'] });
    expect(web!.endpoints[1]).toEqual({ ip: parseIPv4('10.244.1.11'), port: 8080, weight: 1, ready: true, serving: true, terminating: true });
    expect(dns).toMatchObject({ nodePort: null, affinityTimeout: null, ipvs: null, endpoints: [] });
  });

  it('reports every problem at once, each with its JSON path', () => {
    const bad = structuredClone(good) as any;
    bad.services[0].endpoints[1].ip = '10.244.1.300';
    bad.services[0].port = 70000;
    bad.services[1].protocol = 'icmp';
    bad.services[0].ipvs.scheduler = 'xx';
    const problems = problemsOf(bad);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^services\[0\]\.endpoints\[1\]\.ip: not an IPv4 address/),
      expect.stringMatching(/^services\[0\]\.port: 70000 is out of range; use 1…65535/),
      expect.stringMatching(/^services\[1\]\.protocol: expected "tcp", "udp" or "sctp"/),
      expect.stringMatching(/^services\[0\]\.ipvs\.scheduler: demo\/web:http: unknown IPVS scheduler "xx"; use one of rr, wrr/),
    ]));
    expect(problems).toHaveLength(4);
  });

  it('rejects duplicate service ports, node ports and endpoints', () => {
    const bad = structuredClone(good) as any;
    bad.services.push({ ...bad.services[0], name: 'demo/other' });
    bad.services[0].endpoints.push({ ip: '10.244.1.10', port: 8080 });
    const problems = problemsOf(bad);
    expect(problems.some((p) => p.startsWith('services[2].clusterIP: tcp 10.96.40.10:80 is already used by services[0]'))).toBe(true);
    expect(problems.some((p) => p.startsWith('services[2].nodePort: tcp nodePort 30080 is already used'))).toBe(true);
    expect(problems.some((p) => p.startsWith('services[0].endpoints[2]: duplicate endpoint 10.244.1.10:8080'))).toBe(true);
  });

  it('rejects weights outside the kernel range 0…65535 and unknown IPVS flags', () => {
    const bad = structuredClone(good) as any;
    bad.services[0].endpoints[0].weight = 65536;
    bad.services[0].ipvs.flags = ['sh-port', 'sh-magic'];
    expect(problemsOf(bad)).toEqual([
      expect.stringMatching(/^services\[0\]\.ipvs\.flags\[1\]: demo\/web:http: unknown IPVS flag "sh-magic"/),
      expect.stringMatching(/^services\[0\]\.endpoints\[0\]\.weight: 65536 is out of range; use 0…65535/),
    ]);
  });

  it('treats __proto__ and constructor keys as unknown fields, not as prototypes', () => {
    const text = '{"services":[],"__proto__":{"polluted":1},"constructor":1}';
    expect(() => parseScenario(text, 's.json')).toThrow(/\$\.__proto__: unknown field.*\$\.constructor: unknown field/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads a million levels of nesting and megabyte strings into one InputError, not a crash', () => {
    const deep = '{"services":' + '['.repeat(1_000_000) + ']'.repeat(1_000_000) + '}';
    expect(() => parseScenario(deep, 'deep.json')).toThrow(/^deep\.json: services\[0\]: expected an object, got an array/);
    const big = 'x'.repeat(2_000_000);
    expect(() => parseScenario(JSON.stringify({ services: [{ name: big, clusterIP: big, port: 80, protocol: 'tcp' }] }), 'big.json'))
      .toThrow(/services\[0\]\.name: .* got a 2000000-character string/);
  });

  it('names CIDRs with host bits and the fix', () => {
    expect(problemsOf({ podCIDR: '10.244.1.0/16', services: [] })).toEqual(['podCIDR: host bits are set; write 10.244.0.0/16']);
  });

  it('gives one InputError for text that is not JSON', () => {
    expect(() => parseScenario('{"services": [', 'x.json')).toThrow(/^x\.json: \$: not valid JSON/);
  });

  test.prop([fc.jsonValue({ maxDepth: 6 })], { numRuns: FUZZ_RUNS })('any JSON value is read or rejected with an InputError', (v) => {
    try {
      parseScenario(JSON.stringify(v), 'fuzz.json');
    } catch (e) {
      expect(e).toBeInstanceOf(KpbenchError);
    }
  });

  test.prop([fc.string({ maxLength: 200 })], { numRuns: FUZZ_RUNS })('any text is read or rejected with an InputError', (s) => {
    try {
      parseScenario(s, 'fuzz.json');
    } catch (e) {
      expect(e).toBeInstanceOf(KpbenchError);
    }
  });

  test.prop([fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 4 })], { numRuns: FUZZ_RUNS })(
    'a valid scenario with fields replaced by arbitrary JSON is read or rejected with its path', (edits) => {
      const doc = structuredClone(good) as any;
      const slots: Array<[any, string]> = [];
      const walk = (o: any): void => {
        if (o === null || typeof o !== 'object') return;
        for (const k of Object.keys(o)) {
          slots.push([o, k]);
          walk(o[k]);
        }
      };
      walk(doc);
      for (const [i, v] of edits) {
        const [o, k] = slots[i % slots.length]!;
        o[k] = v;
      }
      try {
        const c = parseScenario(JSON.stringify(doc), 'fuzz.json');
        for (const svc of c.services) for (const e of svc.endpoints) expect(e.weight).toBeLessThanOrEqual(65535);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).problems.length).toBeGreaterThan(0);
      }
    });
});
