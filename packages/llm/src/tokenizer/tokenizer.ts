import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { TokenizerLoadError } from '../errors/llm-errors.js';
import { readChatTemplate } from '../model/tokenizer-assets.js';
import {
  createStreamDecoderFromTables,
  type StreamDecoder,
  type StreamDecoderTables,
} from './stream-decoder.js';
import { detectScheme, type TokenByteScheme, tokenBytes } from './token-bytes.js';

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

export interface EncodeOptions {
  /** Apply the tokenizer's post-processor (e.g. Llama's BOS). Default true, as in `tokenizers`. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (added tokens marked `special`). Default false. */
  skipSpecialTokens?: boolean;
}

/**
 * A Hugging Face fast tokenizer (`tokenizer.json`) over the native `tokenizers` package, plus
 * what `tokenizer_config.json` says about special tokens. Loading is synchronous; encode/decode run
 * on the native thread pool; stream decoding is synchronous from a per-token byte table.
 */
export class Tokenizer {
  /** One past the largest token id (model vocabulary plus added tokens). */
  readonly vocabSize: number;
  readonly addedTokens: readonly AddedToken[];
  /** Ids of the added tokens marked special. */
  readonly specialTokenIds: ReadonlySet<number>;
  readonly bosToken?: string;
  readonly eosToken?: string;
  readonly padToken?: string;
  readonly bosTokenId?: number;
  readonly eosTokenId?: number;
  readonly padTokenId?: number;
  /** `add_bos_token` of tokenizer_config.json (false when absent). */
  readonly addBosToken: boolean;
  /** `chat_template.jinja` next to the tokenizer, else tokenizer_config's template. */
  readonly chatTemplate?: string;
  /** How a vocabulary entry spells its bytes (from tokenizer.json's decoder, read at load). */
  /** From tokenizer.json's decoder, read at load: nothing re-reads the file while serving. */
  private readonly scheme: TokenByteScheme;
  private tables?: StreamDecoderTables;
  private longestToken?: number;

  private constructor(
    private readonly native: NativeTokenizer,
    decoderSpec: unknown,
    addedTokensSpec: unknown,
    readonly tokenizerFile: string,
    config: Record<string, unknown>,
    chatTemplate: string | undefined,
  ) {
    const added: AddedToken[] = Array.isArray(addedTokensSpec)
      ? addedTokensSpec.map((t: { id: number; content: string; special?: boolean }) => ({
          id: t.id,
          content: t.content,
          special: t.special === true,
        }))
      : [];
    this.addedTokens = added;
    // Added ids are usually contiguous after the model vocabulary, but not always.
    this.vocabSize = Math.max(native.getVocabSize(true), ...added.map((t) => t.id + 1));
    this.specialTokenIds = new Set(added.filter((t) => t.special).map((t) => t.id));
    const resolve = (key: string): [string | undefined, number | undefined] => {
      const raw = config[key];
      const content = typeof raw === 'string' ? raw : (raw as { content?: unknown } | null)?.content;
      if (typeof content !== 'string') return [undefined, undefined];
      return [content, native.tokenToId(content) ?? undefined];
    };
    [this.bosToken, this.bosTokenId] = resolve('bos_token');
    [this.eosToken, this.eosTokenId] = resolve('eos_token');
    [this.padToken, this.padTokenId] = resolve('pad_token');
    this.addBosToken = config.add_bos_token === true;
    this.scheme = detectScheme(decoderSpec);
    if (chatTemplate !== undefined) this.chatTemplate = chatTemplate;
  }

  /**
   * Loads `tokenizer.json` (a file, or a model directory holding one) and the
   * `tokenizer_config.json` / `chat_template.jinja` beside it.
   */
  static load(path: string): Tokenizer {
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'tokenizer.json') : path;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TokenizerLoadError(`cannot read ${file}: ${(err as Error).message}`, file, { cause: err });
    }
    let json: Record<string, any>;
    let native: NativeTokenizer;
    try {
      json = JSON.parse(text);
      native = NativeTokenizer.fromString(text);
    } catch (err) {
      throw new TokenizerLoadError(
        `${file} is not a tokenizer the \`tokenizers\` library can read (${(err as Error).message}); it must be a Hugging Face fast-tokenizer tokenizer.json`,
        file,
        { cause: err },
      );
    }
    const dir = dirname(file);
    const configFile = join(dir, 'tokenizer_config.json');
    let config: Record<string, unknown> = {};
    if (existsSync(configFile)) {
      try {
        config = JSON.parse(readFileSync(configFile, 'utf8'));
      } catch (err) {
        throw new TokenizerLoadError(
          `${configFile} is not valid JSON (${(err as Error).message})`,
          configFile,
          {
            cause: err,
          },
        );
      }
    }
    const { chatTemplate } = readChatTemplate(dir, config);
    return new Tokenizer(native, json.decoder, json.added_tokens, file, config, chatTemplate);
  }

  async encode(text: string, options: EncodeOptions = {}): Promise<number[]> {
    const encoding = await this.native.encode(text, null, {
      addSpecialTokens: options.addSpecialTokens ?? true,
    });
    return encoding.getIds();
  }

  async decode(ids: readonly number[], options: DecodeOptions = {}): Promise<string> {
    return this.native.decode([...ids], options.skipSpecialTokens ?? false);
  }

  idToToken(id: number): string | undefined {
    return this.native.idToToken(id) ?? undefined;
  }

  tokenToId(token: string): number | undefined {
    return this.native.tokenToId(token) ?? undefined;
  }

  /**
   * Characters of the longest vocabulary entry as written in tokenizer.json (byte-level tokens
   * spell one character per byte). One token never covers more input than that, so a text longer
   * than `n × maxTokenChars` cannot tokenize to `n` tokens or fewer: callers refuse it before paying
   * for tokenization (whose native memory grows with the text). Computed once, on first use.
   */
  get maxTokenChars(): number {
    if (this.longestToken === undefined) {
      let longest = 1;
      for (let id = 0; id < this.vocabSize; id++) {
        const token = this.native.idToToken(id);
        if (token !== null && token.length > longest) longest = token.length;
      }
      this.longestToken = longest;
    }
    return this.longestToken;
  }

  /** How token strings map to bytes (byte-level BPE, SentencePiece metaspace, plain text); read at load. */
  byteScheme(): TokenByteScheme {
    return this.scheme;
  }

  /** A synchronous, UTF-8-safe incremental decoder (one per generated sequence). */
  createStreamDecoder(options: DecodeOptions = {}): StreamDecoder {
    this.tables ??= this.buildTables();
    return createStreamDecoderFromTables(this.tables, options);
  }

  // Token bytes are computed on first sight of each id and kept: building all 50k-150k entries up
  // front would cost more than a model step, and a stream only ever meets a small part of them.
  private buildTables(): StreamDecoderTables {
    const scheme = this.scheme;
    const cache: (Uint8Array | null | undefined)[] = new Array(this.vocabSize);
    const vocabSize = this.vocabSize;
    const native = this.native;
    return {
      vocabSize,
      bytesOf(id: number): Uint8Array | undefined {
        // Only ids inside the vocabulary are looked up and cached, so the array never grows past it.
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) return undefined;
        let bytes = cache[id];
        if (bytes === undefined) {
          const token = native.idToToken(id);
          bytes = token === null ? null : tokenBytes(token, scheme);
          cache[id] = bytes;
        }
        return bytes ?? undefined;
      },
      special: this.specialTokenIds,
      stripLeadingSpace: scheme.kind === 'metaspace' && scheme.stripLeadingSpace,
    };
  }
}
