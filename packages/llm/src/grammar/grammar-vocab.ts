import type { Tokenizer } from '../tokenizer/tokenizer.js';

/** The vocabulary as XGrammar's `TokenizerInfo` wants it. */
export interface GrammarVocab {
  /** Token strings by id, as stored in tokenizer.json (`Ġ`, `▁`, `<0x0A>` kept encoded). */
  readonly encoded: string[];
  readonly type: 'byte_level' | 'byte_fallback' | 'raw';
  readonly prependSpace: boolean;
}

/**
 * Reads the vocabulary for XGrammar: byte-level BPE (GPT-2, Llama 3, Qwen) or SentencePiece with
 * byte fallback (Llama 2, Phi-3, Mistral). Special tokens become empty strings so a grammar can never
 * spell them (`<|im_end|>` inside a JSON string would end the turn), except `keep`: markers a tool
 * format needs, such as Mistral's `[TOOL_CALLS]`. `size` is the logits width (the model's vocabulary).
 */
export function grammarVocab(tokenizer: Tokenizer, size: number, keep: ReadonlySet<string>): GrammarVocab {
  const scheme = tokenizer.byteScheme();
  const encoded: string[] = new Array(size);
  for (let id = 0; id < size; id++) {
    const token = tokenizer.idToToken(id) ?? '';
    encoded[id] = tokenizer.specialTokenIds.has(id) && !keep.has(token) ? '' : token;
  }
  if (scheme.kind === 'byte-level') return { encoded, type: 'byte_level', prependSpace: false };
  if (scheme.kind === 'metaspace' && scheme.byteFallback)
    return { encoded, type: 'byte_fallback', prependSpace: scheme.stripLeadingSpace };
  if (scheme.kind === 'metaspace') {
    // Without byte fallback XGrammar reads tokens as raw text: spell the metaspace as a space.
    const raw = encoded.map((t) => t.split(scheme.replacement).join(' '));
    return { encoded: raw, type: 'raw', prependSpace: scheme.stripLeadingSpace };
  }
  return { encoded, type: 'raw', prependSpace: false };
}
