// Cluster model → IPVS virtual services, as kube-proxy programs them (dataplane.md 1.1, 4; SPEC 2.1,
// 3 "Scope of state"). Both IPVS engines and the ipvsadm writer start from this one list, so they
// always see identical inputs. Validation reports every problem at once, naming the service.

import { InputError, type InputProblem } from '../errors.js';
import { PROTOCOL_NUMBER, SCHEDULER_NAMES, endpointOffsets, type Cluster, type IpvsFlag, type Protocol, type SchedulerName } from '../model/cluster.js';
import { formatIPv4 } from '../model/ipv4.js';
import { MAX_WEIGHT, MH_TABLE_SIZE, SCHEDULER_IDS, flagBits, isIpvsFlag, isSchedulerName } from './schedulers.js';

/** One real server of a virtual service, in the order it is added (scenario order). */
export interface IpvsDestination {
  /** Global endpoint id (endpointOffsets). */
  readonly endpoint: number;
  readonly ip: number;
  readonly port: number;
  /** Weight it is added with. */
  readonly weight: number;
  /** Connections to it fail and a TCP one never becomes active (SPEC 3). */
  readonly serving: boolean;
  /** Added with `weight`, then set to weight 0 once every destination is in (graceful termination). */
  readonly terminating: boolean;
}

/** One IPVS virtual service: a ClusterIP:port, or one node IP's NodePort, of one service port. */
export interface VirtualService {
  /** Index of the owning service in `cluster.services`. */
  readonly service: number;
  readonly name: string;
  readonly kind: 'clusterIP' | 'nodePort';
  readonly protocol: Protocol;
  readonly vip: number;
  readonly port: number;
  readonly scheduler: SchedulerName;
  readonly schedulerId: number;
  readonly flags: readonly IpvsFlag[];
  /** OR of the flag bits (without the persistent bit). */
  readonly flagBits: number;
  /** Persistence timeout in seconds (ClientIP affinity), or null. */
  readonly persistence: number | null;
  /** Destinations in the order they are added; the kernel list is the reverse. */
  readonly destinations: readonly IpvsDestination[];
}

/** Options of the IPVS build. */
export interface IpvsBuildOptions {
  /** Scheduler of services without their own `ipvs.scheduler` (kube-proxy `--ipvs-scheduler`). @default 'rr' */
  readonly scheduler?: string;
}

/**
 * The virtual services of `cluster`, in scenario order: each service port's ClusterIP virtual
 * service, then one per node IP when it has a NodePort.
 * @throws {InputError} unknown scheduler or flag, weight outside 0…65535, more than 4093
 *   destinations for mh, or two services claiming the same virtual address.
 */
export function buildVirtualServices(cluster: Cluster, options: IpvsBuildOptions = {}): VirtualService[] {
  const problems: InputProblem[] = [];
  const known = SCHEDULER_NAMES.join(', ');
  const fallback = options.scheduler ?? 'rr';
  if (!isSchedulerName(fallback)) {
    throw new InputError('options', [{ place: 'scheduler', message: `unknown IPVS scheduler "${fallback}"; use one of ${known}` }]);
  }
  const offsets = endpointOffsets(cluster);
  const out: VirtualService[] = [];
  const owners = new Map<string, number>();
  cluster.services.forEach((svc, si) => {
    const place = `services[${si}] (${svc.name})`;
    const before = problems.length;
    const scheduler = (svc.ipvs?.scheduler ?? fallback) as string;
    if (!isSchedulerName(scheduler)) {
      problems.push({ place, message: `unknown IPVS scheduler "${scheduler}"; use one of ${known}` });
    }
    const flags: IpvsFlag[] = [];
    for (const f of svc.ipvs?.flags ?? []) {
      if (isIpvsFlag(f as string)) flags.push(f);
      else problems.push({ place, message: `unknown IPVS flag "${String(f)}"; use sh-port, sh-fallback, mh-port or mh-fallback` });
    }
    const destinations: IpvsDestination[] = [];
    svc.endpoints.forEach((ep, ei) => {
      if (!Number.isInteger(ep.weight) || ep.weight < 0 || ep.weight > MAX_WEIGHT) {
        problems.push({ place, message: `endpoints[${ei}].weight ${ep.weight} is outside the kernel's 0…${MAX_WEIGHT}` });
      }
      if (!ep.ready) return;
      // kube-proxy deletes terminating UDP/SCTP real servers at once; TCP ones drain at weight 0
      if (ep.terminating && svc.protocol !== 'tcp') return;
      destinations.push({
        endpoint: offsets[si]! + ei,
        ip: ep.ip,
        port: ep.port,
        weight: ep.weight,
        serving: ep.serving,
        terminating: ep.terminating,
      });
    });
    if (scheduler === 'mh' && destinations.length > MH_TABLE_SIZE) {
      problems.push({ place, message: `${destinations.length} destinations exceed mh's table of ${MH_TABLE_SIZE} slots; use fewer endpoints or another scheduler` });
    }
    const vips: Array<{ kind: 'clusterIP' | 'nodePort'; vip: number; port: number }> = [{ kind: 'clusterIP', vip: svc.clusterIP, port: svc.port }];
    if (svc.nodePort !== null) for (const ip of cluster.nodeIPs) vips.push({ kind: 'nodePort', vip: ip, port: svc.nodePort });
    for (const v of vips) {
      const key = `${svc.protocol}|${v.vip}|${v.port}`;
      const other = owners.get(key);
      if (other !== undefined && other !== si) {
        problems.push({ place, message: `${svc.protocol} ${formatIPv4(v.vip)}:${v.port} is already the virtual service of services[${other}] (${cluster.services[other]!.name})` });
      } else {
        owners.set(key, si);
      }
    }
    if (problems.length !== before) return;
    const name = scheduler as SchedulerName;
    for (const v of vips) {
      out.push({
        service: si,
        name: svc.name,
        kind: v.kind,
        protocol: svc.protocol,
        vip: v.vip,
        port: v.port,
        scheduler: name,
        schedulerId: SCHEDULER_IDS[name],
        flags,
        flagBits: flagBits(flags),
        persistence: svc.affinityTimeout,
        destinations,
      });
    }
  });
  if (problems.length > 0) throw new InputError('scenario', problems);
  return out;
}

/** Protocol number of a virtual service. */
export function protoNumber(vs: VirtualService): number {
  return PROTOCOL_NUMBER[vs.protocol];
}
