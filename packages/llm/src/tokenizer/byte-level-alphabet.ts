/**
 * GPT-2's byte-level alphabet: each byte maps to one printable code point, so a byte string is a
 * plain JS string and BPE merges never see whitespace or control characters. The table is the one
 * every byte-level BPE (`"type": "ByteLevel"`) tokenizer uses.
 */
function buildTables(): { byteToChar: string[]; charToByte: Map<string, number> } {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const keep = new Set(printable);
  const byteToChar: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) byteToChar[b] = String.fromCodePoint(keep.has(b) ? b : next++);
  const charToByte = new Map<string, number>();
  byteToChar.forEach((c, b) => {
    charToByte.set(c, b);
  });
  return { byteToChar, charToByte };
}

const tables = buildTables();

/** Byte value → its alphabet character. */
export const BYTE_TO_CHAR: readonly string[] = tables.byteToChar;

/** Alphabet character → byte value. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = tables.charToByte;

/** Maps UTF-8 bytes to the alphabet string. */
export function bytesToAlphabet(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

/** The GPT-2 pre-tokenizer split (contractions, letters, digits, punctuation, whitespace runs). */
export const GPT2_SPLIT_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
