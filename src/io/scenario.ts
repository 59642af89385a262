// Reads and validates a scenario (SPEC 2.1). Every problem is collected with its JSON path, so a
// user fixes a file in one pass; the result is the cluster model every engine compiles from.

import {
  DEFAULT_AFFINITY_TIMEOUT,
  SCHEDULER_NAMES,
  type Cidr,
  type Cluster,
  type Endpoint,
  type IpvsFlag,
  type Protocol,
  type SchedulerName,
  type Service,
} from '../model/cluster.js';
import { parseIPv4, prefixMask, formatIPv4 } from '../model/ipv4.js';
import { InputError, KpbenchError, type InputProblem } from '../errors.js';

/** Largest scenario text accepted (bytes of UTF-16 text). */
export const MAX_SCENARIO_CHARS = 512 * 1024 * 1024;
/** Largest number of service ports accepted in a scenario. */
export const MAX_SCENARIO_SERVICES = 1_000_000;
/** Largest number of endpoints of one service port. */
export const MAX_SERVICE_ENDPOINTS = 65_536;
/** Longest ClientIP affinity timeout the Kubernetes API allows (one day). */
export const MAX_AFFINITY_TIMEOUT = 86_400;

const IPVS_FLAGS: readonly IpvsFlag[] = ['sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'];
const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];
const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SERVICE_PORT_NAME = new RegExp(`^${DNS_LABEL}/${DNS_LABEL}(:${DNS_LABEL})?$`);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Collects problems while reading one document. */
class Reader {
  readonly problems: InputProblem[] = [];

  fail(place: string, message: string): void {
    this.problems.push({ place, message });
  }

  object(v: Json | undefined, place: string, allowed: readonly string[]): Record<string, Json> | null {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.fail(place, `expected an object, got ${describe(v)}`);
      return null;
    }
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) this.fail(`${place}.${k}`, `unknown field; the fields here are ${allowed.join(', ')}`);
    }
    return v;
  }

  field(o: Record<string, Json>, k: string): Json | undefined {
    return Object.hasOwn(o, k) ? o[k] : undefined;
  }

  integer(v: Json | undefined, place: string, lo: number, hi: number): number | null {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.fail(place, `expected an integer ${lo}…${hi}, got ${describe(v)}`);
      return null;
    }
    if (v < lo || v > hi) {
      this.fail(place, `${v} is out of range; use ${lo}…${hi}`);
      return null;
    }
    return v;
  }

  boolean(v: Json | undefined, place: string, fallback: boolean): boolean {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.fail(place, `expected true or false, got ${describe(v)}`);
      return fallback;
    }
    return v;
  }

  ipv4(v: Json | undefined, place: string): number | null {
    const ip = typeof v === 'string' ? parseIPv4(v) : null;
    if (ip === null) this.fail(place, `not an IPv4 address (${describe(v)}); write it as a.b.c.d`);
    return ip;
  }

  cidr(v: Json | undefined, place: string): Cidr | null {
    const m = typeof v === 'string' ? /^([^/]+)\/(\d{1,2})$/.exec(v) : null;
    const ip = m ? parseIPv4(m[1]!) : null;
    const prefix = m ? Number(m[2]) : NaN;
    if (ip === null || !(prefix >= 0 && prefix <= 32)) {
      this.fail(place, `not an IPv4 CIDR (${describe(v)}); write it as a.b.c.d/len`);
      return null;
    }
    const net = (ip & prefixMask(prefix)) >>> 0;
    if (net !== ip) {
      this.fail(place, `host bits are set; write ${formatIPv4(net)}/${prefix}`);
      return null;
    }
    return { net, prefix };
  }
}

function describe(v: Json | undefined): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (typeof v === 'string') return v.length > 40 ? `a ${v.length}-character string` : JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : String(v);
}

function readEndpoint(r: Reader, v: Json | undefined, place: string): Endpoint | null {
  const o = r.object(v, place, ['ip', 'port', 'weight', 'ready', 'serving', 'terminating']);
  if (o === null) return null;
  const ip = r.ipv4(r.field(o, 'ip'), `${place}.ip`);
  const port = r.integer(r.field(o, 'port'), `${place}.port`, 1, 65535);
  const w = r.field(o, 'weight');
  const weight = w === undefined ? 1 : r.integer(w, `${place}.weight`, 0, 65535);
  const ready = r.boolean(r.field(o, 'ready'), `${place}.ready`, true);
  const serving = r.boolean(r.field(o, 'serving'), `${place}.serving`, true);
  const terminating = r.boolean(r.field(o, 'terminating'), `${place}.terminating`, false);
  if (ip === null || port === null || weight === null) return null;
  return { ip, port, weight, ready, serving, terminating };
}

function readAffinity(r: Reader, v: Json | undefined, place: string): number | null {
  if (v === undefined || v === null) return null;
  const o = r.object(v, place, ['clientIP']);
  if (o === null) return null;
  const c = r.object(r.field(o, 'clientIP') ?? {}, `${place}.clientIP`, ['timeoutSeconds']);
  if (c === null) return null;
  const t = r.field(c, 'timeoutSeconds');
  return t === undefined ? DEFAULT_AFFINITY_TIMEOUT : r.integer(t, `${place}.clientIP.timeoutSeconds`, 1, MAX_AFFINITY_TIMEOUT);
}

function readIpvs(r: Reader, v: Json | undefined, place: string, name: string): Service['ipvs'] {
  if (v === undefined || v === null) return null;
  const o = r.object(v, place, ['scheduler', 'flags']);
  if (o === null) return null;
  const s = r.field(o, 'scheduler');
  let scheduler: SchedulerName = 'rr';
  if (s !== undefined) {
    if (typeof s === 'string' && (SCHEDULER_NAMES as readonly string[]).includes(s)) scheduler = s as SchedulerName;
    else r.fail(`${place}.scheduler`, `${name}: unknown IPVS scheduler ${describe(s)}; use one of ${SCHEDULER_NAMES.join(', ')}`);
  }
  const flags: IpvsFlag[] = [];
  const f = r.field(o, 'flags');
  if (f !== undefined) {
    if (!Array.isArray(f)) r.fail(`${place}.flags`, `expected an array of flags, got ${describe(f)}`);
    else {
      f.forEach((flag, i) => {
        if (typeof flag === 'string' && (IPVS_FLAGS as readonly string[]).includes(flag)) {
          if (!flags.includes(flag as IpvsFlag)) flags.push(flag as IpvsFlag);
        } else r.fail(`${place}.flags[${i}]`, `${name}: unknown IPVS flag ${describe(flag)}; use ${IPVS_FLAGS.join(', ')}`);
      });
    }
  }
  return { scheduler, flags };
}

function readService(r: Reader, v: Json | undefined, place: string): Service | null {
  const o = r.object(v, place, ['name', 'clusterIP', 'port', 'protocol', 'nodePort', 'sessionAffinity', 'ipvs', 'endpoints']);
  if (o === null) return null;
  const n = r.field(o, 'name');
  const name = typeof n === 'string' && n.length <= 253 && SERVICE_PORT_NAME.test(n) ? n : null;
  if (name === null) r.fail(`${place}.name`, `expected namespace/name or namespace/name:portName in lower-case DNS labels, got ${describe(n)}`);
  const label = name ?? place;
  const clusterIP = r.ipv4(r.field(o, 'clusterIP'), `${place}.clusterIP`);
  const port = r.integer(r.field(o, 'port'), `${place}.port`, 1, 65535);
  const p = r.field(o, 'protocol');
  const protocol = typeof p === 'string' && (PROTOCOLS as readonly string[]).includes(p) ? (p as Protocol) : null;
  if (protocol === null) r.fail(`${place}.protocol`, `expected "tcp", "udp" or "sctp", got ${describe(p)}`);
  const np = r.field(o, 'nodePort');
  const nodePort = np === undefined || np === null ? null : r.integer(np, `${place}.nodePort`, 1, 65535);
  const affinityTimeout = readAffinity(r, r.field(o, 'sessionAffinity'), `${place}.sessionAffinity`);
  const ipvs = readIpvs(r, r.field(o, 'ipvs'), `${place}.ipvs`, label);
  const eps = r.field(o, 'endpoints') ?? [];
  const endpoints: Endpoint[] = [];
  if (!Array.isArray(eps)) r.fail(`${place}.endpoints`, `expected an array, got ${describe(eps)}`);
  else if (eps.length > MAX_SERVICE_ENDPOINTS) r.fail(`${place}.endpoints`, `${eps.length} endpoints exceed the limit of ${MAX_SERVICE_ENDPOINTS}; split the service`);
  else {
    const seen = new Set<string>();
    eps.forEach((e, i) => {
      const ep = readEndpoint(r, e, `${place}.endpoints[${i}]`);
      if (ep === null) return;
      const key = `${ep.ip}:${ep.port}`;
      if (seen.has(key)) r.fail(`${place}.endpoints[${i}]`, `duplicate endpoint ${formatIPv4(ep.ip)}:${ep.port}; list each once`);
      seen.add(key);
      endpoints.push(ep);
    });
  }
  if (name === null || clusterIP === null || port === null || protocol === null || (np !== undefined && np !== null && nodePort === null)) return null;
  return { name, clusterIP, port, protocol, nodePort, affinityTimeout, ipvs, endpoints };
}

function checkUnique(r: Reader, services: ReadonlyArray<Service | null>): void {
  const vips = new Map<string, number>();
  const nodePorts = new Map<string, number>();
  const names = new Map<string, number>();
  services.forEach((s, i) => {
    if (s === null) return;
    const claim = (m: Map<string, number>, key: string, what: string, field: string): void => {
      const first = m.get(key);
      if (first !== undefined) r.fail(`services[${i}].${field}`, `${what} is already used by services[${first}]; give each service port its own`);
      else m.set(key, i);
    };
    claim(vips, `${s.protocol} ${s.clusterIP}:${s.port}`, `${s.protocol} ${formatIPv4(s.clusterIP)}:${s.port}`, 'clusterIP');
    if (s.nodePort !== null) claim(nodePorts, `${s.protocol} ${s.nodePort}`, `${s.protocol} nodePort ${s.nodePort}`, 'nodePort');
    claim(names, `${s.name} ${s.protocol}`, `name ${s.name} (${s.protocol})`, 'name');
  });
}

/**
 * Parses scenario JSON text into the cluster model.
 * @param source how to name the input in errors (a file name)
 * @throws {InputError} with every problem and its JSON path
 */
export function parseScenario(text: string, source: string): Cluster {
  if (text.length > MAX_SCENARIO_CHARS) {
    throw new KpbenchError('KPB_ERR_LIMIT', `${source}: ${text.length} characters exceed the scenario limit of ${MAX_SCENARIO_CHARS}; use a synthetic cluster (--services N) for bigger runs`);
  }
  let doc: Json;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Json;
  } catch (e) {
    throw new InputError(source, [{ place: '$', message: `not valid JSON (${(e as Error).message}); fix the syntax` }]);
  }
  const r = new Reader();
  const o = r.object(doc, '$', ['podCIDR', 'nodeIPs', 'services']);
  if (o === null) throw new InputError(source, r.problems);
  const pc = r.field(o, 'podCIDR');
  const podCIDR = pc === undefined || pc === null ? null : r.cidr(pc, 'podCIDR');
  const nodeIPs: number[] = [];
  const ni = r.field(o, 'nodeIPs') ?? [];
  if (!Array.isArray(ni)) r.fail('nodeIPs', `expected an array of IPv4 addresses, got ${describe(ni)}`);
  else ni.forEach((v, i) => {
    const ip = r.ipv4(v, `nodeIPs[${i}]`);
    if (ip !== null && !nodeIPs.includes(ip)) nodeIPs.push(ip);
  });
  const sv = r.field(o, 'services');
  const services: Array<Service | null> = [];
  if (!Array.isArray(sv)) r.fail('services', `expected an array of service ports, got ${describe(sv)}`);
  else if (sv.length > MAX_SCENARIO_SERVICES) r.fail('services', `${sv.length} service ports exceed the limit of ${MAX_SCENARIO_SERVICES}`);
  else sv.forEach((s, i) => services.push(readService(r, s, `services[${i}]`)));
  checkUnique(r, services);
  if (r.problems.length > 0) throw new InputError(source, r.problems);
  return { podCIDR, nodeIPs, services: services as Service[] };
}
