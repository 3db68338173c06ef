import { describe, expect, it } from 'vitest';
import { createStreamDecoderFromTables } from '../tokenizer/stream-decoder.js';
import { ChoiceDecoder } from './choice-decoder.js';

// Token i is one piece of bytes: "é" (0xC3 0xA9) and "😀" (F0 9F 98 80) are split across tokens.
const pieces = [
  [0x48, 0x69],
  [0xc3],
  [0xa9, 0x20],
  [0xf0, 0x9f],
  [0x98],
  [0x80],
  [0x45, 0x4e],
  [0x44],
  [0x21],
];
const bytes = pieces.map((p) => Uint8Array.from(p));
const tables = {
  bytesOf: (id: number) => bytes[id],
  vocabSize: bytes.length,
  special: new Set<number>(),
  stripLeadingSpace: false,
};
const make = (stops: string[] = [], include = false) =>
  new ChoiceDecoder(createStreamDecoderFromTables(tables), stops, include);

describe('ChoiceDecoder', () => {
  it('never emits half a character', () => {
    const d = make();
    expect([0, 1, 2, 3, 4, 5].map((t) => d.push(t))).toEqual(['Hi', '', 'é ', '', '', '😀']);
    expect(d.end()).toBe('');
  });

  it('holds a stop string split across tokens and cuts before it', () => {
    const d = make(['END']);
    expect([0, 6, 7, 8].map((t) => d.push(t))).toEqual(['Hi', '', '', '']);
    expect(d.stopped).toBe(true);
  });

  it('releases held text at the end when no stop string matched', () => {
    const d = make(['ENDX']);
    expect([0, 6, 7].map((t) => d.push(t))).toEqual(['Hi', '', '']);
    expect(d.end()).toBe('END');
  });

  it('turns an unfinished character at the end into U+FFFD', () => {
    const d = make();
    expect(d.push(3)).toBe('');
    expect(d.end()).toBe('\ufffd');
  });
});
