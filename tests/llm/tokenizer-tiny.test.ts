import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer, TokenizerLoadError } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

let tokenizer: Tokenizer;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const scratch = mkdtempSync(join(tmpdir(), 'weft-tok-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeAll(async () => {
  tokenizer = Tokenizer.load(await ensureTinyModel('llama'));
});

describe('tokenizer of the built tiny models', () => {
  it('has ChatML specials after the learned vocabulary', async () => {
    const n = tokenizer.vocabSize;
    expect(tokenizer.addedTokens).toEqual([
      { id: n - 3, content: '<|endoftext|>', special: true },
      { id: n - 2, content: '<|im_start|>', special: true },
      { id: n - 1, content: '<|im_end|>', special: true },
    ]);
    expect(tokenizer.eosTokenId).toBe(n - 1);
    expect(tokenizer.padTokenId).toBe(n - 3);
    expect(tokenizer.bosTokenId).toBeUndefined();
    expect(await tokenizer.encode('<|im_start|>user\n')).toEqual([n - 2, tokenizer.tokenToId('user')!, 10]);
  });

  it('learned merges: common words are single tokens, bytes remain for the rest', async () => {
    expect(await tokenizer.encode(' the')).toEqual([tokenizer.tokenToId('Ġthe')]);
    expect(await tokenizer.encode(' weavers loom')).toEqual([
      tokenizer.tokenToId('Ġweavers'),
      tokenizer.tokenToId('Ġloom'),
    ]);
    expect(tokenizer.vocabSize).toBe(256 + 579 + 3);
    expect(await tokenizer.encode('\u0001')).toEqual([1]);
  });

  it('round-trips and stream-decodes emoji and CJK without half characters', async () => {
    for (const text of [
      'The weaver 🧵 sat.',
      '你好，世界',
      'naïve 😀😀',
      '<|im_start|>assistant\nHi<|im_end|>',
    ]) {
      const ids = await tokenizer.encode(text);
      expect(await tokenizer.decode(ids)).toBe(text);
      const stream = tokenizer.createStreamDecoder();
      const chunks = ids.map((id) => stream.push(id));
      chunks.push(stream.flush());
      expect(chunks.join('')).toBe(text);
      for (const c of chunks) expect(c.includes('\uFFFD') || LONE_SURROGATE.test(c)).toBe(false);
    }
  });

  it('skips specials when streaming with skipSpecialTokens, and flushes an unfinished character as U+FFFD', async () => {
    const ids = await tokenizer.encode('<|im_start|>Hi<|im_end|>');
    const stream = tokenizer.createStreamDecoder({ skipSpecialTokens: true });
    expect(ids.map((id) => stream.push(id)).join('') + stream.flush()).toBe('Hi');
    const partial = tokenizer.createStreamDecoder();
    // 0xE4 is the first byte of a three-byte character (byte ids equal byte values here).
    expect(partial.push(0xe4)).toBe('');
    expect(partial.push(0xb8)).toBe('');
    expect(partial.flush()).toBe('\uFFFD');
    expect(partial.push('A'.charCodeAt(0))).toBe('A');
  });
});

describe('Tokenizer.load errors', () => {
  it('names a missing file', () => {
    const file = join(scratch, 'missing', 'tokenizer.json');
    expect(() => Tokenizer.load(file)).toThrow(TokenizerLoadError);
    expect(() => Tokenizer.load(file)).toThrow(`cannot read ${file}: ENOENT`);
  });

  it('names a file that is not a tokenizer, with the stable code', () => {
    const file = join(scratch, 'tokenizer.json');
    writeFileSync(file, '{"version": "1.0", "model": {"type": "Nope"}}');
    try {
      Tokenizer.load(file);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TokenizerLoadError);
      expect((err as TokenizerLoadError).code).toBe('WEFT_ERR_TOKENIZER_LOAD');
      expect((err as Error).message).toMatch(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a tokenizer the \`tokenizers\` library can read`,
        ),
      );
    }
  });
});
