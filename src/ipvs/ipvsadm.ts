// `ipvsadm -Sn` text for the virtual and real servers kube-proxy would program (SPEC 5
// `rules --format ipvsadm`). Virtual services in scenario order (the kernel prints its hash-table
// order, which depends on a per-boot secret); real servers in kernel list order (reverse of the
// scenario), terminating TCP endpoints at weight 0.

import type { Cluster } from '../model/cluster.js';
import { formatIPv4 } from '../model/ipv4.js';
import { buildVirtualServices, type IpvsBuildOptions, type VirtualService } from './build.js';

const SWITCH = { tcp: '-t', udp: '-u', sctp: '--sctp-service' } as const;

/** The `-b` argument as ipvsadm prints it: sh/mh flag names, `flag-N` for other schedulers. */
function schedFlags(vs: VirtualService): string {
  const names: string[] = [];
  const prefix = vs.scheduler === 'sh' || vs.scheduler === 'mh' ? vs.scheduler : null;
  if (vs.flagBits & 0x0008) names.push(prefix !== null ? `${prefix}-fallback` : 'flag-1');
  if (vs.flagBits & 0x0010) names.push(prefix !== null ? `${prefix}-port` : 'flag-2');
  return names.join(',');
}

/** Text of one virtual service and its real servers, one command per line. */
export function formatVirtualService(vs: VirtualService): string[] {
  const svc = `${SWITCH[vs.protocol]} ${formatIPv4(vs.vip)}:${vs.port}`;
  let head = `-A ${svc} -s ${vs.scheduler}`;
  const flags = schedFlags(vs);
  if (flags !== '') head += ` -b ${flags}`;
  if (vs.persistence !== null) head += ` -p ${vs.persistence}`;
  const lines = [head];
  for (let i = vs.destinations.length - 1; i >= 0; i--) {
    const d = vs.destinations[i]!;
    lines.push(`-a ${svc} -r ${formatIPv4(d.ip)}:${d.port} -m -w ${d.terminating ? 0 : d.weight}`);
  }
  return lines;
}

/**
 * The IPVS configuration of `cluster` as `ipvsadm -Sn` prints it, newline-terminated.
 * @throws {InputError} as buildVirtualServices.
 */
export function formatIpvsadm(cluster: Cluster, options: IpvsBuildOptions = {}): string {
  const lines: string[] = [];
  for (const vs of buildVirtualServices(cluster, options)) lines.push(...formatVirtualService(vs));
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
