import { describe, expect, it } from 'vitest';
import { completePrefix, createStreamDecoderFromTables } from './stream-decoder.js';
import { detectScheme, tokenBytes } from './token-bytes.js';

const b = (...bytes: number[]) => Uint8Array.from(bytes);

describe('completePrefix', () => {
  it.each([
    [[], 0],
    [[0x41], 1],
    [[0x41, 0xc3], 1],
    [[0xc3, 0xa9], 2],
    [[0x41, 0xe4, 0xb8], 1],
    [[0xe4, 0xb8, 0xad], 3],
    [[0xf0, 0x9f, 0x98], 0],
    [[0xf0, 0x9f, 0x98, 0x80], 4],
    // Bytes that can never start a character are not held back.
    [[0x41, 0xff], 2],
    [[0x80], 1],
  ])('%j -> %i', (bytes, expected) => {
    expect(completePrefix(Uint8Array.from(bytes))).toBe(expected);
  });
});

describe('createStreamDecoderFromTables', () => {
  const pieces = [b(0x20, 0x48, 0x69), b(0xf0, 0x9f), b(0x98, 0x80), b(0x20), b(0x21), b()];
  const tables = (stripLeadingSpace: boolean) => ({
    bytesOf: (id: number) => pieces[id],
    vocabSize: pieces.length,
    special: new Set([4]),
    stripLeadingSpace,
  });

  it('holds bytes until a character is complete', () => {
    const d = createStreamDecoderFromTables(tables(false));
    expect([0, 1, 2, 3, 5].map((id) => d.push(id))).toEqual([' Hi', '', '😀', ' ', '']);
    expect(d.flush()).toBe('');
  });

  it('strips one leading space of the whole text only, and skips specials when asked', () => {
    const d = createStreamDecoderFromTables(tables(true), { skipSpecialTokens: true });
    expect([4, 3, 0, 3].map((id) => d.push(id))).toEqual(['', '', ' Hi', ' ']);
    const kept = createStreamDecoderFromTables(tables(true));
    expect([4, 0].map((id) => kept.push(id))).toEqual(['!', ' Hi']);
  });

  it('rejects ids outside the vocabulary', () => {
    const d = createStreamDecoderFromTables(tables(false));
    expect(() => d.push(6)).toThrow('token id 6 is outside the vocabulary (0..5)');
  });
});

describe('token bytes', () => {
  it('detects byte-level, Metaspace and Replace+ByteFallback+Strip decoders', () => {
    expect(detectScheme({ type: 'ByteLevel' })).toEqual({ kind: 'byte-level' });
    expect(detectScheme({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always' })).toEqual({
      kind: 'metaspace',
      replacement: '▁',
      byteFallback: false,
      stripLeadingSpace: true,
    });
    expect(
      detectScheme({
        type: 'Sequence',
        decoders: [
          { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
          { type: 'ByteFallback' },
          { type: 'Fuse' },
          { type: 'Strip', content: ' ', start: 1, stop: 0 },
        ],
      }),
    ).toEqual({ kind: 'metaspace', replacement: '▁', byteFallback: true, stripLeadingSpace: true });
    expect(detectScheme(null)).toEqual({ kind: 'text' });
  });

  it('maps tokens to bytes per scheme', () => {
    expect([...tokenBytes('Ġhi', { kind: 'byte-level' })]).toEqual([0x20, 0x68, 0x69]);
    // Characters outside the byte-level alphabet pass through as UTF-8.
    expect([...tokenBytes('  中', { kind: 'byte-level' })]).toEqual([0x20, 0x20, 0xe4, 0xb8, 0xad]);
    expect([...tokenBytes('é', { kind: 'byte-level' })]).toEqual([0xe9]);
    const sp = { kind: 'metaspace' as const, replacement: '▁', byteFallback: true, stripLeadingSpace: true };
    expect([...tokenBytes('▁hi', sp)]).toEqual([0x20, 0x68, 0x69]);
    expect([...tokenBytes('<0xF0>', sp)]).toEqual([0xf0]);
    expect([...tokenBytes('<0xF0>', { ...sp, byteFallback: false })]).toEqual([
      ...new TextEncoder().encode('<0xF0>'),
    ]);
  });
});
