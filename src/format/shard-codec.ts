// The binary shard-results file (`.kpbs`, schema in shard-results.fbs), built and read by hand on the
// flatbuffers runtime. Reading is verify → read → check values: nothing from the file is trusted.

import { createHash } from 'node:crypto';
import { Builder, ByteBuffer } from 'flatbuffers';
import { InputError, KpbenchError, type InputProblem } from '../errors.js';
import type { Report } from '../report/json-report.js';
import { envProblems, shardResultProblems, workloadProblems } from '../report/read-report.js';
import type { ExactCounters, ShardResult } from '../run/spec.js';
import { verifyFlatbuffer, type BufferShape, type TableShape } from './verify.js';
import { digestHex } from '../run/digest.js';

/** The 4-byte file identifier of a shard-results file. */
export const SHARD_FILE_IDENTIFIER = 'KPBS';
/** The format version written and the only one read. */
export const SHARD_FILE_VERSION = 2;
/** Largest shard-results file accepted, in bytes. */
export const MAX_SHARD_FILE_BYTES = 1024 * 1024 * 1024;
/** What to tell the user when a file is bad. */
export const SHARD_FILE_FIX = 'the file is truncated or not a kpbench shard file; re-create it with kpbench run --shard';
/** What to tell the user when a well-formed file holds values this kpbench does not accept. */
const RECREATE = 're-create the file with this kpbench (kpbench run --shard)';

/** The workload a shard file carries: the report's, so that `merge` can plan the cases. */
export type ShardFileWorkload = Report['workload'];

/** What a shard-results file holds: the run's workload and env, and its shard results. */
export interface ShardFile {
  readonly workload: ShardFileWorkload;
  readonly env: Report['env'];
  readonly results: readonly ShardResult[];
}

// Struct sizes (shard-results.fbs): every member is 8 bytes, so every struct is 8-aligned.
const COUNTERS_SIZE = 11 * 8;
const PAIR_SIZE = 16;
const ROUND_SIZE = 16;
const ESTABLISHED_SIZE = 24;

// Vtable slots (field ids) of the two tables.
const F_VERSION = 0, F_WORKLOAD = 1, F_RESULTS = 2, F_ENV = 3;
const R_CASE = 0, R_SHARD = 1, R_SHARDS = 2, R_GENERATED = 3, R_COUNTERS = 4, R_ENDPOINTS = 5, R_HISTOGRAM = 6, R_ROUNDS = 7, R_ESTABLISHED = 8, R_WALL = 9;

const SHARD_RESULT_SHAPE: TableShape = {
  name: 'ShardResult',
  fields: [
    { name: 'case_id', shape: { kind: 'string' }, required: true },
    { name: 'shard', shape: { kind: 'scalar', size: 4 } },
    { name: 'shards', shape: { kind: 'scalar', size: 4 } },
    { name: 'generated', shape: { kind: 'scalar', size: 8 } },
    { name: 'counters', shape: { kind: 'struct', size: COUNTERS_SIZE, align: 8 }, required: true },
    { name: 'endpoint_counts', shape: { kind: 'vector', elemSize: PAIR_SIZE, align: 8 }, required: true },
    { name: 'work_histogram', shape: { kind: 'vector', elemSize: PAIR_SIZE, align: 8 }, required: true },
    { name: 'rounds', shape: { kind: 'vector', elemSize: ROUND_SIZE, align: 8 }, required: true },
    { name: 'established', shape: { kind: 'struct', size: ESTABLISHED_SIZE, align: 8 }, required: true },
    { name: 'wall_ms', shape: { kind: 'scalar', size: 8 } },
  ],
};

const VERSION_FIELD = { name: 'version', shape: { kind: 'scalar', size: 4 } } as const;

/** The verifier's view of shard-results.fbs. */
export const SHARD_FILE_SHAPE: BufferShape = {
  identifier: SHARD_FILE_IDENTIFIER,
  fix: SHARD_FILE_FIX,
  maxDepth: 4,
  root: {
    name: 'ShardFile',
    fields: [
      VERSION_FIELD,
      { name: 'workload_json', shape: { kind: 'string' }, required: true },
      { name: 'results', shape: { kind: 'tables', table: SHARD_RESULT_SHAPE }, required: true },
      { name: 'env_json', shape: { kind: 'string' }, required: true },
    ],
  },
};

// Only as much as reading `version` needs: a file of another version lacks or changes fields, and
// should be told its version rather than which field the full shape misses.
const VERSION_SHAPE: BufferShape = { ...SHARD_FILE_SHAPE, root: { name: 'ShardFile', fields: [VERSION_FIELD] } };

function u64(x: number, what: string): bigint {
  if (!Number.isSafeInteger(x) || x < 0) throw new KpbenchError('KPB_ERR_INTERNAL', `shard file: ${what} = ${x} is not a non-negative integer`);
  return BigInt(x);
}

function pairs(b: Builder, items: ReadonlyArray<readonly [number, number]>, what: string): number {
  b.startVector(PAIR_SIZE, items.length, 8);
  for (let i = items.length - 1; i >= 0; i--) {
    const [key, count] = items[i]!;
    b.prep(8, PAIR_SIZE);
    b.writeInt64(u64(count, `${what}[${i}] count`));
    b.writeInt64(u64(key, `${what}[${i}] key`));
  }
  return b.endVector();
}

function shardResult(b: Builder, r: ShardResult): number {
  const caseId = b.createString(r.caseId);
  const endpoints = pairs(b, r.endpointCounts, 'endpointCounts');
  const histogram = pairs(b, r.workHistogram, 'workHistogram');
  b.startVector(ROUND_SIZE, r.rounds.length, 8);
  for (let i = r.rounds.length - 1; i >= 0; i--) {
    b.prep(8, ROUND_SIZE);
    b.writeFloat64(r.rounds[i]!.ns);
    b.writeInt64(u64(r.rounds[i]!.flows, `rounds[${i}].flows`));
  }
  const rounds = b.endVector();
  b.startObject(10);
  b.addFieldOffset(R_CASE, caseId, 0);
  b.addFieldInt32(R_SHARD, r.shard, 0);
  b.addFieldInt32(R_SHARDS, r.shards, 0);
  b.addFieldInt64(R_GENERATED, u64(r.generated, 'generated'), 0n);
  const c = r.counters;
  if (!/^[0-9a-f]{16}$/.test(c.digest)) throw new KpbenchError('KPB_ERR_INTERNAL', `shard file: digest ${JSON.stringify(c.digest)} is not 16 hex digits`);
  b.prep(8, COUNTERS_SIZE);
  b.writeInt64(BigInt(`0x${c.digest}`));
  for (const k of [...COUNTER_KEYS].reverse()) b.writeInt64(u64(c[k], `counters.${k}`));
  b.addFieldStruct(R_COUNTERS, b.offset(), 0);
  b.addFieldOffset(R_ENDPOINTS, endpoints, 0);
  b.addFieldOffset(R_HISTOGRAM, histogram, 0);
  b.addFieldOffset(R_ROUNDS, rounds, 0);
  b.prep(8, ESTABLISHED_SIZE);
  b.writeInt64(u64(r.established.probes, 'established.probes'));
  b.writeFloat64(r.established.ns);
  b.writeInt64(u64(r.established.packets, 'established.packets'));
  b.addFieldStruct(R_ESTABLISHED, b.offset(), 0);
  b.addFieldFloat64(R_WALL, r.wallMs, 0);
  return b.endObject();
}

/** Counter members in struct order, digest (the last member) excluded. */
const COUNTER_KEYS = ['flows', 'packets', 'dnat', 'nomatch', 'reject', 'ok', 'failed', 'workSum', 'workMax', 'extraSum'] as const;

/** Bytes of the checksum trailer: the first 8 bytes of SHA-256 over the flatbuffer before it. */
export const SHARD_FILE_TRAILER_BYTES = 8;

function checksum(payload: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(payload).digest().buffer, 0, SHARD_FILE_TRAILER_BYTES);
}

/**
 * Encodes a shard-results file: the flatbuffer, then its checksum, so a changed or cut file is
 * refused instead of being read as other well-formed values.
 * @throws {KpbenchError} KPB_ERR_INTERNAL when a count is not a non-negative safe integer or a digest is malformed
 */
export function encodeShardFile(file: ShardFile): Uint8Array {
  const payload = encodeShardPayload(file);
  const sealed = new Uint8Array(payload.length + SHARD_FILE_TRAILER_BYTES);
  sealed.set(payload);
  sealed.set(checksum(payload), payload.length);
  return sealed;
}

/**
 * Decodes a shard-results file: checks the checksum, then decodeShardPayload().
 * @throws {InputError} (exit 2) naming the byte offset or field and the fix
 */
export function decodeShardFile(bytes: Uint8Array, source: string): ShardFile {
  if (bytes.length > MAX_SHARD_FILE_BYTES) throw new KpbenchError('KPB_ERR_LIMIT', `${source}: ${bytes.length} bytes exceed the shard-file limit of ${MAX_SHARD_FILE_BYTES}`);
  const n = bytes.length - SHARD_FILE_TRAILER_BYTES;
  const payload = bytes.subarray(0, Math.max(0, n));
  const sum = n > 0 ? checksum(payload) : null;
  if (sum === null || sum.some((b, i) => b !== bytes[n + i])) {
    throw new InputError(source, [{ place: `byte ${Math.max(0, n)}`, message: `checksum mismatch: the file was changed or cut short; ${SHARD_FILE_FIX}` }]);
  }
  return decodeShardPayload(payload, source);
}

/** The flatbuffer of a shard-results file, without its checksum trailer. */
export function encodeShardPayload(file: ShardFile): Uint8Array {
  const b = new Builder(1024);
  const workload = b.createString(JSON.stringify(file.workload));
  const env = b.createString(JSON.stringify(file.env));
  const tables = file.results.map((r) => shardResult(b, r));
  b.startVector(4, tables.length, 4);
  for (let i = tables.length - 1; i >= 0; i--) b.addOffset(tables[i]!);
  const vector = b.endVector();
  b.startObject(4);
  b.addFieldInt32(F_VERSION, SHARD_FILE_VERSION, 0);
  b.addFieldOffset(F_WORKLOAD, workload, 0);
  b.addFieldOffset(F_RESULTS, vector, 0);
  b.addFieldOffset(F_ENV, env, 0);
  b.finish(b.endObject(), SHARD_FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/**
 * Decodes the flatbuffer of a shard-results file: checks its version, verifies its structure, reads
 * it, then checks every value. The checksum guards against accidents; this guards against crafted files.
 * @throws {InputError} (exit 2) naming the byte offset or field and the fix
 * @throws {KpbenchError} KPB_ERR_LIMIT when the file is larger than MAX_SHARD_FILE_BYTES
 */
export function decodeShardPayload(bytes: Uint8Array, source: string): ShardFile {
  if (bytes.length > MAX_SHARD_FILE_BYTES) throw new KpbenchError('KPB_ERR_LIMIT', `${source}: ${bytes.length} bytes exceed the shard-file limit of ${MAX_SHARD_FILE_BYTES}`);
  verifyFlatbuffer(bytes, VERSION_SHAPE, source);
  const bb = new ByteBuffer(bytes);
  const p: InputProblem[] = [];
  const slot = (t: number, id: number): number => bb.__offset(t, 4 + 2 * id);
  const num = (v: bigint, place: string): number => {
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) p.push({ place, message: `${v} exceeds 2^53 − 1` });
    return Number(v);
  };
  const string = (t: number, id: number): string => bb.__string(t + slot(t, id)) as string;

  const root = bb.readUint32(0);
  const version = slot(root, F_VERSION) === 0 ? 0 : bb.readUint32(root + slot(root, F_VERSION));
  if (version !== SHARD_FILE_VERSION) {
    throw new InputError(source, [{ place: '$.version', message: `format version ${version} is not ${SHARD_FILE_VERSION}; ${RECREATE}` }]);
  }
  verifyFlatbuffer(bytes, SHARD_FILE_SHAPE, source);
  /** Parses the JSON text of a root field and checks it as a report section (those checks name no fix). */
  const section = (id: number, place: string, problems: (v: unknown, place: string) => InputProblem[]): unknown => {
    let v: unknown;
    try {
      v = JSON.parse(string(root, id));
    } catch (e) {
      throw new InputError(source, [{ place, message: `not valid JSON (${(e as Error).message}); ${SHARD_FILE_FIX}` }]);
    }
    p.push(...problems(v, place).map((q) => ({ place: q.place, message: `${q.message}; ${RECREATE}` })));
    return v;
  };
  const workload = section(F_WORKLOAD, '$.workload_json', workloadProblems) as ShardFileWorkload;
  const env = section(F_ENV, '$.env_json', envProblems) as Report['env'];

  const vec = root + slot(root, F_RESULTS);
  const n = bb.__vector_len(vec);
  const results: ShardResult[] = [];
  for (let i = 0; i < n && p.length < 20; i++) {
    const place = `$.results[${i}]`;
    const t = bb.__indirect(bb.__vector(vec) + 4 * i);
    const scalarU32 = (id: number): number => (slot(t, id) === 0 ? 0 : bb.readUint32(t + slot(t, id)));
    const scalarU64 = (id: number, name: string): number => (slot(t, id) === 0 ? 0 : num(bb.readUint64(t + slot(t, id)), `${place}.${name}`));
    const c = t + slot(t, R_COUNTERS);
    const counters = {} as Record<(typeof COUNTER_KEYS)[number], number>;
    COUNTER_KEYS.forEach((k, j) => { counters[k] = num(bb.readUint64(c + 8 * j), `${place}.counters.${k}`); });
    const readPairs = (id: number, name: string): Array<readonly [number, number]> => {
      const at = t + slot(t, id);
      const base = bb.__vector(at);
      return Array.from({ length: bb.__vector_len(at) }, (_, k) => [
        num(bb.readUint64(base + PAIR_SIZE * k), `${place}.${name}[${k}][0]`),
        num(bb.readUint64(base + PAIR_SIZE * k + 8), `${place}.${name}[${k}][1]`),
      ] as const);
    };
    const roundsAt = t + slot(t, R_ROUNDS);
    const roundsBase = bb.__vector(roundsAt);
    const e = t + slot(t, R_ESTABLISHED);
    const r: ShardResult = {
      caseId: string(t, R_CASE),
      shard: scalarU32(R_SHARD),
      shards: scalarU32(R_SHARDS),
      generated: scalarU64(R_GENERATED, 'generated'),
      counters: { ...counters, digest: digestHex(bb.readUint64(c + 8 * COUNTER_KEYS.length)) } satisfies ExactCounters,
      endpointCounts: readPairs(R_ENDPOINTS, 'endpoint_counts'),
      workHistogram: readPairs(R_HISTOGRAM, 'work_histogram'),
      rounds: Array.from({ length: bb.__vector_len(roundsAt) }, (_, k) => ({
        flows: num(bb.readUint64(roundsBase + ROUND_SIZE * k), `${place}.rounds[${k}].flows`),
        ns: bb.readFloat64(roundsBase + ROUND_SIZE * k + 8),
      })),
      established: {
        packets: num(bb.readUint64(e), `${place}.established.packets`),
        ns: bb.readFloat64(e + 8),
        probes: num(bb.readUint64(e + 16), `${place}.established.probes`),
      },
      wallMs: slot(t, R_WALL) === 0 ? 0 : bb.readFloat64(t + slot(t, R_WALL)),
    };
    p.push(...shardResultProblems(r, place));
    if (r.shards < 1 || r.shard >= r.shards) p.push({ place: `${place}.shard`, message: `shard ${r.shard} of ${r.shards}: expected 0 ≤ shard < shards` });
    results.push(r);
  }
  if (p.length > 0) throw new InputError(source, p);
  return { workload, env, results };
}
