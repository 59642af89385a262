import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { endpointChainName, externalChainName, hash16, serviceChainName } from '../../src/iptables/names.js';
import { endpointString } from '../../src/model/endpoint-order.js';
import { makeEndpoint, makeService } from '../helpers/cluster.js';

const web = makeService({ name: 'demo/web:http', clusterIP: '10.96.40.10', port: 80 });

/** A deliberately naive RFC 4648 base32 encoder, bit by bit, as an oracle. */
function base32Oracle(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}

describe('hash16()', () => {
  it('matches the dataplane.md 2.2 check value', () => {
    expect(hash16('demo/web:httptcp')).toBe('XRY76EGRC3BSCIIJ');
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 80 })])('is the first 16 base32 chars of SHA-256', (s) => {
    const digest = createHash('sha256').update(s).digest();
    expect(hash16(s)).toBe(base32Oracle(digest).slice(0, 16));
  });
});

describe('chain names', () => {
  it('derives the KUBE-SVC and KUBE-EXT names from the service port name and protocol', () => {
    expect(serviceChainName(web)).toBe('KUBE-SVC-XRY76EGRC3BSCIIJ');
    expect(externalChainName(web)).toBe('KUBE-EXT-XRY76EGRC3BSCIIJ');
  });

  it('gives the SEP names of the dataplane.md 2.7 example', () => {
    const names = ['10.244.1.10', '10.244.1.11', '10.244.2.9'].map((a) => endpointChainName(web, makeEndpoint({ ip: a, port: 8080 })));
    expect(names).toEqual(['KUBE-SEP-SI62D7XAGVO2CP3X', 'KUBE-SEP-4R67FX26EEAQJQLI', 'KUBE-SEP-HEYAT6BZNHOVKI2P']);
  });

  it('hashes the protocol, so tcp and udp ports of one name differ', () => {
    const udp = makeService({ name: 'demo/web:http', clusterIP: '10.96.40.10', port: 80, protocol: 'udp' });
    expect(serviceChainName(udp)).toBe('KUBE-SVC-' + hash16('demo/web:httpudp'));
    expect(serviceChainName(udp)).not.toBe(serviceChainName(web));
  });

  it('keeps every name within the 28-character iptables limit', () => {
    const ep = makeEndpoint({ ip: '255.255.255.255', port: 65535 });
    expect(endpointString(ep)).toBe('255.255.255.255:65535');
    expect(endpointChainName(web, ep).length).toBeLessThanOrEqual(28);
    expect(serviceChainName(web).length).toBeLessThanOrEqual(28);
  });
});
