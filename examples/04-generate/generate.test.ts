import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureModelDir } from '@weft/llm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWeft } from '../../tests/examples/run-weft.js';
import { generateText } from './generate-text.js';
import { completeWithGraph } from './generate-with-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The default model of graphs/tiny-llama.yaml, built as `pnpm start` builds it (random weights, seed 0).
const modelDir = join(root, 'models', 'tiny-llama');
const prompt = 'Once upon a time';

beforeAll(async () => {
  await ensureModelDir(modelDir, { arch: 'llama', preset: 'tiny', seed: 0 });
});

describe('04-generate', () => {
  it('generates greedily from TypeScript with generate(), the same text every time', async () => {
    const first = await generateText(modelDir, prompt, { maxTokens: 12 });
    expect(first.finishReason).toBe('length');
    expect(first.tokenIds).toHaveLength(12);
    expect(first.text?.length).toBeGreaterThan(0);
    const again = await generateText(modelDir, prompt, { maxTokens: 12 });
    expect(again).toEqual(first);
  });

  it('streams the same greedy text through the LLM graph as generate() returns', async () => {
    const direct = await generateText(modelDir, prompt, { maxTokens: 12 });
    const streamed: string[] = [];
    const viaGraph = await completeWithGraph(join(root, 'graphs', 'tiny-llama.yaml'), prompt, {
      maxTokens: 12,
      onText: (piece) => streamed.push(piece),
    });
    expect(viaGraph.text).toBe(direct.text);
    expect(viaGraph.finishReason).toBe('length');
    expect(streamed).toEqual(viaGraph.pieces);
    expect(streamed.length).toBeGreaterThan(1);
  });

  it('matches `weft generate` on the command line', async () => {
    const direct = await generateText(modelDir, prompt, { maxTokens: 12 });
    const r = await runWeft(
      ['generate', 'models/tiny-llama', '--prompt', prompt, '--max-tokens', '12', '--json'],
      root,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      text: direct.text,
      token_ids: direct.tokenIds,
      finish_reason: 'length',
      prompt_tokens: direct.promptTokens,
    });
  });
});
