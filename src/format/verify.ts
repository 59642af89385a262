// Structural verifier for untrusted flatbuffers. The JS runtime has none and reads past the end as 0
// (TOOLCHAIN §7), so every file is walked here, driven by a shape of its schema, before any field is
// read. Rules follow flatbuffers' C++ `Verifier` (flatbuffers/verifier.h): bounds, alignment, vtable
// sanity, NUL-terminated strings, a depth and an object budget.
//
// Buffer layout checked (all little-endian, offsets from the start of the buffer):
//   0: u32 root table offset   4: 4-byte file identifier   … tables, vtables, vectors, strings
//   table at t:  i32 soffset, vtable at t − soffset
//   vtable at v: u16 vtable size, u16 table size, u16 field offset per slot (0 = absent)
//   vector/string at p: u32 element count, elements from p + 4 (strings add a NUL byte)

import { InputError } from '../errors.js';

/** What one vtable slot holds, as far as the verifier needs to know. */
export type FieldShape =
  | { readonly kind: 'scalar'; readonly size: 1 | 2 | 4 | 8 }
  | { readonly kind: 'struct'; readonly size: number; readonly align: 1 | 2 | 4 | 8 }
  | { readonly kind: 'string' }
  /** A vector of scalars or structs: `elemSize` bytes each, aligned to `align`. */
  | { readonly kind: 'vector'; readonly elemSize: number; readonly align: 1 | 2 | 4 | 8 }
  | { readonly kind: 'table'; readonly table: TableShape }
  | { readonly kind: 'tables'; readonly table: TableShape };

/** A table of the schema: its fields in vtable-slot order (field id = index). */
export interface TableShape {
  readonly name: string;
  readonly fields: ReadonlyArray<{ readonly name: string; readonly shape: FieldShape; readonly required?: boolean }>;
}

/** What a buffer must be. */
export interface BufferShape {
  /** The 4-character file identifier. */
  readonly identifier: string;
  readonly root: TableShape;
  /** Told to the user on every failure: how to get a good file. */
  readonly fix: string;
  /** Deepest table nesting accepted. @default 32 */
  readonly maxDepth?: number;
  /** Most tables, vectors and strings visited. @default 1_000_000 */
  readonly maxObjects?: number;
}

const UOFFSET = 4;
const VTABLE_MIN = 4;

/**
 * Checks `bytes` against `shape`; after it returns, every read the shape allows stays in bounds.
 * @throws {InputError} (exit 2) naming the byte offset, the field and the fix
 */
export function verifyFlatbuffer(bytes: Uint8Array, shape: BufferShape, source: string): void {
  const len = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxDepth = shape.maxDepth ?? 32;
  const maxObjects = shape.maxObjects ?? 1_000_000;
  let objects = 0;

  const fail = (at: number, path: string, what: string): never => {
    throw new InputError(source, [{ place: `byte ${at} (${path})`, message: `${what}; ${shape.fix}` }]);
  };
  const need = (at: number, size: number, path: string, what: string): void => {
    if (at < 0 || size < 0 || at + size > len) fail(at, path, `${what} (${size} bytes) runs past the end of the ${len}-byte file`);
  };
  const aligned = (at: number, align: number, path: string, what: string): void => {
    if (at % align !== 0) fail(at, path, `${what} is not ${align}-byte aligned`);
  };
  const count = (at: number, path: string): void => {
    if (++objects > maxObjects) fail(at, path, `more than ${maxObjects} objects`);
  };
  /** Follows the u32 offset stored at `at`; returns the target after checking it lies in the buffer. */
  const follow = (at: number, path: string): number => {
    need(at, UOFFSET, path, 'offset');
    aligned(at, UOFFSET, path, 'offset');
    const target = at + view.getUint32(at, true);
    if (target + UOFFSET > len) fail(at, path, `offset points to byte ${target}, past the end of the ${len}-byte file`);
    return target;
  };
  /** Checks a vector header at `at` with `elemSize`-byte elements; returns its element count. */
  const vector = (at: number, elemSize: number, align: number, path: string): number => {
    count(at, path);
    aligned(at, UOFFSET, path, 'vector');
    const n = view.getUint32(at, true);
    need(at + UOFFSET, n * elemSize, path, `vector of ${n} ${elemSize}-byte elements`);
    aligned(at + UOFFSET, align, path, 'vector data');
    return n;
  };

  const table = (t: number, ts: TableShape, path: string, depth: number): void => {
    if (depth > maxDepth) fail(t, path, `tables nested deeper than ${maxDepth}`);
    count(t, path);
    need(t, 4, path, `table ${ts.name}`);
    aligned(t, 4, path, `table ${ts.name}`);
    const vt = t - view.getInt32(t, true);
    need(vt, VTABLE_MIN, path, `vtable of ${ts.name} at byte ${vt}`);
    aligned(vt, 2, path, `vtable of ${ts.name}`);
    const vtSize = view.getUint16(vt, true);
    const tSize = view.getUint16(vt + 2, true);
    if (vtSize < VTABLE_MIN || vtSize % 2 !== 0) fail(vt, path, `vtable of ${ts.name} has a bad size ${vtSize}`);
    need(vt, vtSize, path, `vtable of ${ts.name}`);
    if (tSize < 4) fail(vt, path, `table ${ts.name} has a bad size ${tSize}`);
    need(t, tSize, path, `table ${ts.name}`);
    ts.fields.forEach((f, slot) => {
      const fPath = `${path}.${f.name}`;
      const vo = VTABLE_MIN + 2 * slot;
      const fo = vo < vtSize ? view.getUint16(vt + vo, true) : 0;
      if (fo === 0) {
        if (f.required === true) fail(t, fPath, 'required field is missing');
        return;
      }
      const s = f.shape;
      const size = s.kind === 'scalar' || s.kind === 'struct' ? s.size : UOFFSET;
      if (fo < 4 || fo + size > tSize) fail(t + fo, fPath, `field at table offset ${fo} (${size} bytes) lies outside the ${tSize}-byte table`);
      const at = t + fo;
      switch (s.kind) {
        case 'scalar': aligned(at, s.size, fPath, 'field'); return;
        case 'struct': aligned(at, s.align, fPath, 'struct field'); return;
        case 'string': {
          const p = follow(at, fPath);
          const n = vector(p, 1, 1, fPath);
          need(p + UOFFSET, n + 1, fPath, 'string with its NUL terminator');
          if (bytes[p + UOFFSET + n] !== 0) fail(p + UOFFSET + n, fPath, 'string is not NUL-terminated');
          return;
        }
        case 'vector': vector(follow(at, fPath), s.elemSize, s.align, fPath); return;
        case 'table': table(follow(at, fPath), s.table, fPath, depth + 1); return;
        case 'tables': {
          const p = follow(at, fPath);
          const n = vector(p, UOFFSET, UOFFSET, fPath);
          for (let i = 0; i < n; i++) table(follow(p + UOFFSET + i * UOFFSET, `${fPath}[${i}]`), s.table, `${fPath}[${i}]`, depth + 1);
          return;
        }
      }
    });
  };

  need(0, UOFFSET + 4, '$', 'header (root offset and file identifier)');
  const id = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  if (id !== shape.identifier) fail(4, '$', `file identifier is ${JSON.stringify(id)}, not "${shape.identifier}"`);
  table(follow(0, '$'), shape.root, '$', 0);
}
