import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContextLengthExceededError,
  Engine,
  generate,
  ModelOnnxError,
  ModelSession,
  TokenIdOutOfRangeError,
} from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../helpers/models.js';

const fixtures = sharedFixturesDir();

describe('bad input to the runtime gives specific errors', () => {
  let dir: string;
  let engine: Engine;
  const temp = mkdtempSync(join(tmpdir(), 'weft-generate-errors-'));
  beforeAll(async () => {
    dir = await ensureTinyModel('llama');
    engine = await Engine.start(dir, { threads: 1 });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('a prompt id equal to the vocab size is WEFT_ERR_TOKEN_ID_OUT_OF_RANGE naming id and vocab', async () => {
    const vocab = engine.vocabSize;
    const err = await generate(engine, [1, 2, vocab], { maxTokens: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenIdOutOfRangeError);
    expect(err).toMatchObject({
      code: 'WEFT_ERR_TOKEN_ID_OUT_OF_RANGE',
      tokenId: vocab,
      vocabSize: vocab,
    });
    expect((err as Error).message).toContain(
      `token id ${vocab} at position 2 is outside the model's vocabulary [0, ${vocab})`,
    );
    await expect(generate(engine, [-1], { maxTokens: 2 })).rejects.toBeInstanceOf(TokenIdOutOfRangeError);
  });

  it('a prompt that leaves no room for a new token is WEFT_ERR_CONTEXT_LENGTH_EXCEEDED with both numbers', async () => {
    const context = engine.contextLength;
    const err = await generate(engine, new Array(context).fill(5), { maxTokens: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextLengthExceededError);
    expect(err).toMatchObject({
      code: 'WEFT_ERR_CONTEXT_LENGTH_EXCEEDED',
      length: context + 1,
      contextLength: context,
    });
    expect((err as Error).message).toBe(
      `prompt plus one new token of ${context + 1} tokens exceeds the model's context length of ${context} tokens (positions must stay below ${context}); shorten the prompt or lower max_tokens.`,
    );
  });

  it('generation stops with finish_reason length when prompt + completion fill the context', async () => {
    const context = engine.contextLength;
    const [r] = await generate(engine, new Array(context - 2).fill(7), { maxTokens: 10, ignoreEos: true });
    expect(r!.tokenIds).toHaveLength(2);
    expect(r!.finishReason).toBe('length');
  });

  it('a truncated ONNX file is a ModelOnnxError naming the file, for a session and for an engine', async () => {
    const broken = join(temp, 'truncated');
    cpSync(dir, broken, { recursive: true });
    const onnx = join(broken, 'onnx', 'model.onnx');
    writeFileSync(onnx, readFileSync(onnx).subarray(0, 4096));
    const err = await ModelSession.open(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelOnnxError);
    expect((err as ModelOnnxError).code).toBe('WEFT_ERR_MODEL_ONNX');
    expect((err as Error).message).toContain(onnx);
    const engineErr = await Engine.start(broken, { threads: 1 }).catch((e: unknown) => e);
    expect(engineErr).toMatchObject({ code: 'WEFT_ERR_MODEL_ONNX' });
    expect((engineErr as Error).message).toContain(onnx);
  });

  it('a file that is not ONNX at all is refused before onnxruntime sees it', async () => {
    const text = join(temp, 'text');
    cpSync(dir, text, { recursive: true });
    const onnx = join(text, 'onnx', 'model.onnx');
    writeFileSync(onnx, '<html>not found</html>');
    await expect(ModelSession.open(text)).rejects.toThrow(ModelOnnxError);
    await expect(Engine.start(text)).rejects.toThrow(/is not an ONNX model/);
  });
});

describe.skipIf(!fixtures)(
  `GPT-2 fixture with a 1000-token model and a 50257-token tokenizer (${NO_FIXTURES_MESSAGE})`,
  () => {
    it('ids the tokenizer knows but the model does not are refused, and position ids stay below 512', async () => {
      const engine = await Engine.start(join(fixtures!, 'gpt2-tiny-random-optimum'), { threads: 1 });
      try {
        expect(engine.vocabSize).toBe(1000);
        expect(engine.contextLength).toBe(512);
        await expect(generate(engine, [50256], { maxTokens: 1 })).rejects.toThrow(
          "token id 50256 at position 0 is outside the model's vocabulary [0, 1000)",
        );
        const [r] = await generate(engine, new Array(510).fill(3), { maxTokens: 5, ignoreEos: true });
        expect(r!.tokenIds).toHaveLength(2);
        expect(r!.finishReason).toBe('length');
      } finally {
        await engine.close();
      }
    });
  },
);
