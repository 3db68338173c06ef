import { CHAR_TO_BYTE } from './byte-level-alphabet.js';

/** How token strings turn into bytes, read from tokenizer.json's `decoder`. */
export type TokenByteScheme =
  /** GPT-2 style: each character is one byte of the byte-level alphabet. */
  | { kind: 'byte-level' }
  /** SentencePiece style: `▁` is a space, `<0xAB>` is a raw byte; maybe one leading space stripped. */
  | { kind: 'metaspace'; replacement: string; byteFallback: boolean; stripLeadingSpace: boolean }
  /** Anything else: the token text as UTF-8. */
  | { kind: 'text' };

const encoder = new TextEncoder();
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

// Alphabet characters are all below U+0144: a flat table beats a Map lookup per character.
const CODE_TO_BYTE = (() => {
  const table = new Int16Array(0x144).fill(-1);
  for (const [char, byte] of CHAR_TO_BYTE) table[char.charCodeAt(0)] = byte;
  return table;
})();

/** Works out the scheme from a parsed `decoder` section (null when the tokenizer has none). */
export function detectScheme(decoder: unknown): TokenByteScheme {
  const parts = flatten(decoder);
  if (parts.some((d) => d.type === 'ByteLevel')) return { kind: 'byte-level' };
  const metaspace = parts.find((d) => d.type === 'Metaspace');
  const replace = parts.find(
    (d) =>
      d.type === 'Replace' &&
      typeof (d.pattern as { String?: unknown })?.String === 'string' &&
      d.content === ' ',
  );
  const byteFallback = parts.some((d) => d.type === 'ByteFallback');
  if (metaspace) {
    const scheme = metaspace.prepend_scheme;
    const strip = scheme === undefined ? metaspace.add_prefix_space !== false : scheme !== 'never';
    return {
      kind: 'metaspace',
      replacement: typeof metaspace.replacement === 'string' ? metaspace.replacement : '\u2581',
      byteFallback,
      stripLeadingSpace: strip,
    };
  }
  if (replace) {
    const strip = parts.find((d) => d.type === 'Strip' && d.content === ' ');
    return {
      kind: 'metaspace',
      replacement: (replace.pattern as { String: string }).String,
      byteFallback,
      stripLeadingSpace: typeof strip?.start === 'number' && strip.start > 0,
    };
  }
  return { kind: 'text' };
}

/** The bytes one token contributes to decoded text (leading-space stripping is the stream's job). */
export function tokenBytes(token: string, scheme: TokenByteScheme): Uint8Array {
  switch (scheme.kind) {
    case 'byte-level': {
      const out = new Uint8Array(token.length * 4);
      let n = 0;
      for (let i = 0; i < token.length; i++) {
        const code = token.charCodeAt(i);
        const b = code < CODE_TO_BYTE.length ? CODE_TO_BYTE[code]! : -1;
        if (b >= 0) out[n++] = b;
        else {
          // Characters outside the alphabet (in added tokens) pass through as UTF-8, as in `tokenizers`.
          const char = String.fromCodePoint(token.codePointAt(i)!);
          if (char.length === 2) i++;
          n += encoder.encodeInto(char, out.subarray(n)).written;
        }
      }
      return out.slice(0, n);
    }
    case 'metaspace': {
      const byte = scheme.byteFallback ? BYTE_TOKEN.exec(token) : null;
      if (byte) return Uint8Array.of(Number.parseInt(byte[1]!, 16));
      return encoder.encode(token.split(scheme.replacement).join(' '));
    }
    case 'text':
      return encoder.encode(token);
  }
}

function flatten(decoder: unknown): Record<string, unknown>[] {
  if (typeof decoder !== 'object' || decoder === null) return [];
  const d = decoder as Record<string, unknown>;
  if (d.type === 'Sequence' && Array.isArray(d.decoders)) return d.decoders.flatMap(flatten);
  return [d];
}
