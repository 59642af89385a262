// Bad scenarios for IPVS (one-line InputError naming the service, exit code 2) and the
// `ipvsadm -Sn` rendering.

import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { buildVirtualServices } from '../../src/ipvs/build.js';
import { formatIpvsadm } from '../../src/ipvs/ipvsadm.js';
import { IpvsWasmEngine } from '../../src/engines/ipvs-wasm.js';
import type { SchedulerName } from '../../src/model/cluster.js';
import type { Flow } from '../../src/model/flow.js';
import { cluster, ep, flow, svc } from './helpers.js';

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('buildVirtualServices() validation', () => {
  it('rejects an unknown scheduler, naming the service and the choices', () => {
    const c = cluster([svc([ep('10.244.0.1')]), svc([ep('10.244.0.1')], { clusterIP: '10.96.0.11', scheduler: 'xx' as SchedulerName })]);
    const e = errorOf(() => buildVirtualServices(c));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('scenario: services[1] (demo/web:http): unknown IPVS scheduler "xx"; use one of rr, wrr, lc, wlc, sed, nq, dh, sh, mh');
    expect(e.message).not.toContain('\n');
  });
  it('rejects an unknown default scheduler', () => {
    expect(errorOf(() => buildVirtualServices(cluster([]), { scheduler: 'fo' })).message).toContain('unknown IPVS scheduler "fo"');
  });
  it('rejects an unknown flag', () => {
    const c = cluster([svc([ep('10.244.0.1')], { scheduler: 'sh', flags: ['sh-random' as 'sh-port'] })]);
    expect(errorOf(() => buildVirtualServices(c)).message).toContain('services[0] (demo/web:http): unknown IPVS flag "sh-random"');
  });
  it.each([-1, 65536, 1.5])('rejects weight %d', (w) => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2', { weight: w })])]);
    expect(errorOf(() => buildVirtualServices(c)).message).toContain(`services[0] (demo/web:http): endpoints[1].weight ${w} is outside the kernel's 0…65535`);
  });
  it('accepts weights 0 and 65535', () => {
    expect(buildVirtualServices(cluster([svc([ep('10.244.0.1', { weight: 0 }), ep('10.244.0.2', { weight: 65535 })])]))).toHaveLength(1);
  });
  it('rejects more destinations than mh can hold (4093), and the WASM engine refuses too', () => {
    const eps = Array.from({ length: 4094 }, (_, i) => ep(`10.244.${i >> 8}.${i & 255}`));
    const c = cluster([svc(eps, { scheduler: 'mh' })]);
    expect(errorOf(() => buildVirtualServices(c)).message).toContain("services[0] (demo/web:http): 4094 destinations exceed mh's table of 4093 slots");
    expect(() => new IpvsWasmEngine(c, { build: 'scalar' })).toThrow(InputError);
    expect(buildVirtualServices(cluster([svc(eps.slice(0, 4093), { scheduler: 'mh' })]))).toHaveLength(1);
  });
  it('reports every problem at once', () => {
    const c = cluster([svc([ep('10.244.0.1', { weight: 70000 })], { scheduler: 'xx' as SchedulerName })]);
    expect(errorOf(() => buildVirtualServices(c)).problems).toHaveLength(2);
  });
  it('rejects two services on one virtual address', () => {
    const c = cluster([svc([ep('10.244.0.1')], { name: 'a/x' }), svc([ep('10.244.0.2')], { name: 'b/y' })]);
    expect(errorOf(() => buildVirtualServices(c)).message).toContain('services[1] (b/y): tcp 10.96.0.10:80 is already the virtual service of services[0] (a/x)');
  });
});

describe('formatIpvsadm()', () => {
  it('prints virtual servers and real servers in list order as ipvsadm -Sn does', () => {
    const c = cluster([
      svc([ep('10.244.1.10'), ep('10.244.1.11', { weight: 3 }), ep('10.244.1.12', { terminating: true }), ep('10.244.1.13', { ready: false })],
        { clusterIP: '10.96.40.10', nodePort: 30080, affinity: 10800 }),
      svc([ep('10.244.2.10', { port: 53 }), ep('10.244.2.11', { port: 53, terminating: true })], { clusterIP: '10.96.0.10', port: 53, protocol: 'udp', scheduler: 'mh', flags: ['mh-port'] }),
      svc([ep('10.244.3.10')], { clusterIP: '10.96.0.20', scheduler: 'sh', flags: ['sh-fallback', 'sh-port'] }),
    ], ['192.0.2.10']);
    expect(formatIpvsadm(c, { scheduler: 'wrr' })).toBe([
      '-A -t 10.96.40.10:80 -s wrr -p 10800',
      '-a -t 10.96.40.10:80 -r 10.244.1.12:8080 -m -w 0',
      '-a -t 10.96.40.10:80 -r 10.244.1.11:8080 -m -w 3',
      '-a -t 10.96.40.10:80 -r 10.244.1.10:8080 -m -w 1',
      '-A -t 192.0.2.10:30080 -s wrr -p 10800',
      '-a -t 192.0.2.10:30080 -r 10.244.1.12:8080 -m -w 0',
      '-a -t 192.0.2.10:30080 -r 10.244.1.11:8080 -m -w 3',
      '-a -t 192.0.2.10:30080 -r 10.244.1.10:8080 -m -w 1',
      '-A -u 10.96.0.10:53 -s mh -b mh-port',
      '-a -u 10.96.0.10:53 -r 10.244.2.10:53 -m -w 1',
      '-A -t 10.96.0.20:80 -s sh -b sh-fallback,sh-port',
      '-a -t 10.96.0.20:80 -r 10.244.3.10:8080 -m -w 1',
      '',
    ].join('\n'));
  });
});

describe('IpvsWasmEngine.decide() flow order', () => {
  it('refuses flows out of start order before deciding any of them, and goes on from where it was', () => {
    const c = cluster([svc([ep('10.244.0.1'), ep('10.244.0.2')])]);
    const e = new IpvsWasmEngine(c, { build: 'scalar', batchSize: 2 });
    const at = (start: number): Flow => flow(start, '10.250.0.1', { sport: 1000 + start });
    expect(e.decide([at(1)]).map((d) => d.verdict)).toEqual(['dnat']);
    // the third flow goes back in time; the first two fill a whole batch that must not be decided
    expect(() => e.decide([at(2), at(3), at(2.5)])).toThrow(/flow \d+: start 2.5 is before 3; flows must come in start order/);
    expect(e.counters().flows).toBe(1);
    expect(e.decide([at(1.5)]).map((d) => d.verdict)).toEqual(['dnat']);
  });
});
