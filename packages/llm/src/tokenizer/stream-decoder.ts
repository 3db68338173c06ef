/** Incremental detokenizer: text out per token, never half a UTF-8 character. */
export interface StreamDecoder {
  /** Adds one token id; returns the text that became complete (often empty). */
  push(id: number): string;
  /** Ends the stream: returns what is pending (an incomplete character becomes U+FFFD). */
  flush(): string;
}

export interface StreamDecoderTables {
  /** Bytes of a token id (undefined for ids outside the vocabulary); called on the hot path. */
  bytesOf(id: number): Uint8Array | undefined;
  vocabSize: number;
  /** Ids dropped when `skipSpecialTokens` is set. */
  special: ReadonlySet<number>;
  /** Strip one space from the very start of the text (SentencePiece `Strip` / Metaspace). */
  stripLeadingSpace: boolean;
}

/**
 * A synchronous stream decoder over per-token bytes: bytes accumulate until they end on a
 * character boundary, then that prefix is decoded. Invalid sequences become U+FFFD, as in a full
 * decode.
 */
export function createStreamDecoderFromTables(
  tables: StreamDecoderTables,
  options: { skipSpecialTokens?: boolean } = {},
): StreamDecoder {
  const skip = options.skipSpecialTokens ?? false;
  const decoder = new TextDecoder('utf-8');
  let pending = new Uint8Array(0);
  let atStart = tables.stripLeadingSpace;

  const take = (end: number): string => {
    let chunk = pending.subarray(0, end);
    pending = pending.slice(end);
    if (atStart && chunk.length > 0) {
      atStart = false;
      if (chunk[0] === 0x20) chunk = chunk.subarray(1);
    }
    return chunk.length === 0 ? '' : decoder.decode(chunk);
  };

  return {
    push(id: number): string {
      if (skip && tables.special.has(id)) return '';
      const bytes = tables.bytesOf(id);
      if (bytes === undefined) {
        throw new RangeError(`token id ${id} is outside the vocabulary (0..${tables.vocabSize - 1})`);
      }
      if (bytes.length === 0) return '';
      // Fast path: nothing pending and the token ends on a character boundary.
      if (pending.length === 0 && completePrefix(bytes) === bytes.length && !(atStart && bytes[0] === 0x20)) {
        atStart = false;
        return decoder.decode(bytes);
      }
      const joined = new Uint8Array(pending.length + bytes.length);
      joined.set(pending);
      joined.set(bytes, pending.length);
      pending = joined;
      return take(completePrefix(pending));
    },
    flush(): string {
      return take(pending.length);
    },
  };
}

/** Length of the longest prefix that does not end inside a (so far valid) multi-byte character. */
export function completePrefix(bytes: Uint8Array): number {
  const n = bytes.length;
  // Look back at most 3 bytes for the lead byte of a possibly unfinished character.
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 1;
    return need > n - i ? i : n;
  }
  return n;
}
