// Issue 7: hostile .kpbs files. Each input either decodes or is rejected with kpbench's own error
// naming the file and place; nothing else escapes, nothing hangs. Longer mode: KPBENCH_FUZZ_RUNS=20000.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeShardPayload as decodeShardFile } from '../../src/format/shard-codec.js';
import { verifyFlatbuffer } from '../../src/format/verify.js';
import { InputError } from '../../src/errors.js';
import { HOSTILE, outcome, REAL_DECODED, REAL_FILE } from './hostile.js';
import { ENV, SAMPLE_RESULTS, WORKLOAD } from './arbitraries.js';
import { decodeShardFile as decodeSealed, encodeShardFile } from '../../src/format/shard-codec.js';

const FUZZ_RUNS = Number(process.env['KPBENCH_FUZZ_RUNS'] ?? 300);
/** One decode; a verifier looping on lying offsets would hang here and hit the test timeout. */
function timed(bytes: Uint8Array): ReturnType<typeof outcome> {
  return outcome(bytes);
}

describe('decodeShardFile() on hostile input', () => {
  it('rejects the file truncated at every length, or reads it back unchanged (padding only)', () => {
    for (let n = 0; n < REAL_FILE.length; n++) {
      const cut = REAL_FILE.slice(0, n);
      if (timed(cut) === 'decoded') expect(decodeShardFile(cut, 'cut.kpbs')).toEqual(REAL_DECODED);
    }
  });

  it.each(Object.keys(HOSTILE))('%s: decodes or raises InputError/KpbenchError, in bounded time', (kind) => {
    fc.assert(fc.property(HOSTILE[kind]!, (bytes) => { timed(bytes); }), { numRuns: FUZZ_RUNS });
  });

  it('names the byte offset, the field and the fix', () => {
    const v = new DataView(REAL_FILE.slice().buffer);
    v.setUint32(0, 0xfffffff0, true);
    expect(() => decodeShardFile(new Uint8Array(v.buffer), 'lie.kpbs')).toThrow(
      /^lie\.kpbs: byte 0 \(\$\): offset points to byte \d+, past the end of the \d+-byte file; the file is truncated or not a kpbench shard file; re-create it with kpbench run --shard$/,
    );
    expect(() => decodeShardFile(REAL_FILE.slice(0, REAL_FILE.length - 40), 'cut.kpbs')).toThrow(InputError);
    expect(() => decodeShardFile(new TextEncoder().encode('{"tool":"kpbench"}'), 'j.kpbs')).toThrow(/file identifier is .*not "KPBS"/);
  });

  it('stops at the object budget when a vector of tables points every element at one table', () => {
    // One 4-byte table with an empty vtable, and a root whose 1000-element vector all points to it.
    const shape = { identifier: 'TEST', fix: 'fix it', maxObjects: 100, root: { name: 'R', fields: [{ name: 'v', shape: { kind: 'tables' as const, table: { name: 'T', fields: [] } } }] } };
    const n = 1000;
    const b = new DataView(new ArrayBuffer(8 + 4 + 8 + 4 + 4 + 4 * n + 8));
    b.setUint32(0, 16, true); [0x54, 0x45, 0x53, 0x54].forEach((c, i) => b.setUint8(4 + i, c));
    b.setUint16(8, 6, true); b.setUint16(10, 8, true); b.setUint16(12, 4, true); // root vtable: 1 slot at 4
    b.setInt32(16, 8, true); b.setUint32(20, 4, true); // root table → vector at 24
    b.setUint32(24, n, true);
    const t = 28 + 4 * n; // the shared table, whose vtable is the 4-byte prefix of the root's
    for (let i = 0; i < n; i++) b.setUint32(28 + 4 * i, t - (28 + 4 * i), true);
    b.setInt32(t, t - 8, true);
    expect(() => verifyFlatbuffer(new Uint8Array(b.buffer), shape, 's')).toThrow(/more than 100 objects/);
  });

  it('refuses any bit flip or cut of a sealed file by its checksum (no silent misread)', () => {
    const sealed = encodeShardFile({ workload: WORKLOAD, env: ENV, results: SAMPLE_RESULTS });
    expect(decodeSealed(sealed, 'ok.kpbs')).toEqual(REAL_DECODED);
    for (let i = 0; i < sealed.length; i += 7) {
      const flipped = sealed.slice();
      flipped[i]! ^= 1 << (i % 8);
      expect(() => decodeSealed(flipped, 'flip.kpbs')).toThrow(/flip\.kpbs: .*(checksum mismatch|re-create)/);
      expect(() => decodeSealed(sealed.subarray(0, i), 'cut.kpbs')).toThrow(InputError);
    }
  });
});
