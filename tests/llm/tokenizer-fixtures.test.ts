import { join } from 'node:path';
import { Tokenizer } from '@weft/llm';
import { describe, expect, it } from 'vitest';
import { NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../helpers/models.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const fixtures = sharedFixturesDir();

const TEXTS = [
  'Hello, world! The quick brown fox jumps over the lazy dog.',
  '  leading spaces and\ttabs\nand new lines\n\n',
  'Emoji: 😀👍🏽 ❤️ 🇫🇷 family 👨‍👩‍👧‍👦 end',
  '中文测试：你好，世界！日本語のテキスト。한국어 텍스트.',
  'Mixed: café naïve résumé — “quotes” … 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
];

/** Streams ids one at a time; returns the chunks. */
function streamChunks(tokenizer: Tokenizer, ids: number[], skipSpecialTokens = false): string[] {
  const decoder = tokenizer.createStreamDecoder({ skipSpecialTokens });
  const chunks = ids.map((id) => decoder.push(id));
  chunks.push(decoder.flush());
  return chunks;
}

/** True when the string has no lone surrogate and no replacement character. */
function wholeCharacters(s: string): boolean {
  return !LONE_SURROGATE.test(s) && !s.includes('\uFFFD');
}

describe.skipIf(!fixtures)(`tokenizer on the real GPT-2 tokenizer.json (${NO_FIXTURES_MESSAGE})`, () => {
  const tokenizer = fixtures ? Tokenizer.load(join(fixtures, 'tokenizers', 'gpt2')) : undefined!;

  it('knows its vocabulary and special tokens', () => {
    expect(tokenizer.vocabSize).toBe(50257);
    expect(tokenizer.eosToken).toBe('<|endoftext|>');
    expect(tokenizer.eosTokenId).toBe(50256);
    expect(tokenizer.bosTokenId).toBe(50256);
    expect([...tokenizer.specialTokenIds]).toEqual([50256]);
    expect(tokenizer.tokenToId('Hello')).toBe(15496);
    expect(tokenizer.idToToken(995)).toBe('Ġworld');
    expect(tokenizer.idToToken(60000)).toBeUndefined();
  });

  it('encodes exactly like GPT-2 and round-trips text with emoji and CJK', async () => {
    expect(await tokenizer.encode('Hello world')).toEqual([15496, 995]);
    expect(await tokenizer.encode('<|endoftext|>Hi')).toEqual([50256, 17250]);
    for (const text of TEXTS) expect(await tokenizer.decode(await tokenizer.encode(text))).toBe(text);
  });

  it('stream-decodes to the full decode, never emitting half a character', async () => {
    for (const text of TEXTS) {
      const ids = await tokenizer.encode(text);
      const chunks = streamChunks(tokenizer, ids);
      expect(chunks.join('')).toBe(text);
      for (const chunk of chunks) expect(wholeCharacters(chunk)).toBe(true);
    }
    // 😀 is one character made of four byte tokens: nothing until the last one.
    const ids = await tokenizer.encode('😀');
    expect(ids).toEqual([47249, 222]);
    expect(streamChunks(tokenizer, ids)).toEqual(['', '😀', '']);
  });

  it('stream-decodes arbitrary id sequences like the native decode, specials skipped or kept', async () => {
    let state = 12345;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % 50257;
    };
    for (let round = 0; round < 20; round++) {
      const ids = Array.from({ length: 30 }, next);
      if (round % 2 === 0) ids.splice(5, 0, 50256);
      for (const skip of [false, true]) {
        expect(streamChunks(tokenizer, ids, skip).join('')).toBe(
          await tokenizer.decode(ids, { skipSpecialTokens: skip }),
        );
      }
    }
    expect(() => tokenizer.createStreamDecoder().push(50257)).toThrow(
      'token id 50257 is outside the vocabulary (0..50256)',
    );
  });
});

describe.skipIf(!fixtures)(
  `tokenizer on the Phi-3 SentencePiece-style tokenizer (${NO_FIXTURES_MESSAGE})`,
  () => {
    const tokenizer = fixtures
      ? Tokenizer.load(join(fixtures, 'tokenizers', 'phi3', 'tokenizer.json'))
      : undefined!;

    it('reads bos/eos/pad from tokenizer_config and adds BOS through the post-processor', async () => {
      expect(tokenizer.bosToken).toBe('<s>');
      expect(tokenizer.bosTokenId).toBe(1);
      expect(tokenizer.eosToken).toBe('<|endoftext|>');
      expect(tokenizer.eosTokenId).toBe(32000);
      expect(tokenizer.padTokenId).toBe(32000);
      expect(tokenizer.addBosToken).toBe(true);
      expect(tokenizer.chatTemplate).toContain("'<|' + message['role'] + '|>'");
      const withBos = await tokenizer.encode('Hello world');
      expect(withBos).toEqual([1, 15043, 3186]);
      expect(await tokenizer.encode('Hello world', { addSpecialTokens: false })).toEqual([15043, 3186]);
      expect(await tokenizer.decode(withBos, { skipSpecialTokens: true })).toBe('Hello world');
      expect(await tokenizer.decode(withBos)).toBe('<s> Hello world');
    });

    it('round-trips emoji and CJK through byte-fallback tokens', async () => {
      for (const text of TEXTS) {
        const ids = await tokenizer.encode(text, { addSpecialTokens: false });
        expect(await tokenizer.decode(ids)).toBe(text);
      }
    });

    it('stream-decodes like the full decode, including the stripped leading space', async () => {
      for (const text of TEXTS) {
        for (const addSpecialTokens of [false, true]) {
          const ids = await tokenizer.encode(text, { addSpecialTokens });
          for (const skip of [false, true]) {
            const chunks = streamChunks(tokenizer, ids, skip);
            expect(chunks.join('')).toBe(await tokenizer.decode(ids, { skipSpecialTokens: skip }));
            for (const chunk of chunks) expect(wholeCharacters(chunk)).toBe(true);
          }
        }
      }
      const ids = await tokenizer.encode('😀', { addSpecialTokens: false });
      expect(ids.map((id) => tokenizer.idToToken(id))).toEqual(['▁', '<0xF0>', '<0x9F>', '<0x98>', '<0x80>']);
      expect(streamChunks(tokenizer, ids)).toEqual(['', '', '', '', '😀', '']);
    });
  },
);

describe.skipIf(!fixtures)(
  `tokenizer with whitespace added tokens (genai gpt2 fixture, ${NO_FIXTURES_MESSAGE})`,
  () => {
    const tokenizer = fixtures ? Tokenizer.load(join(fixtures, 'gpt2-tiny-random-genai')) : undefined!;

    it('stream-decodes added tokens made of literal spaces like the native decode', async () => {
      const text = 'def f():\n        return 1\n\n                x = "😀"';
      const ids = await tokenizer.encode(text);
      expect(ids.some((id) => id > 50256)).toBe(true);
      expect(await tokenizer.decode(ids)).toBe(text);
      expect(streamChunks(tokenizer, ids).join('')).toBe(text);
    });
  },
);
