import { cp, mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalculatorRegistry, loadGraphFromString } from '@weft/framework';
import { registerLlmCalculators } from '@weft/llm';
import { describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';
import { GRAPH_FILE, okBody, runRequest } from './graph-helpers.js';

describe('a served model reads its files at load only', () => {
  it('keeps answering (logprobs included) after tokenizer.json vanished from the model folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-read-at-load-'));
    try {
      await cp(await ensureTinyModel('llama'), dir, { recursive: true });
      const text = (await readFile(GRAPH_FILE, 'utf8')).replace(
        'model_dir: ../models/tiny-llama',
        `model_dir: ${JSON.stringify(dir)}`,
      );
      const registry = new CalculatorRegistry();
      registerLlmCalculators(registry);
      const graph = await loadGraphFromString(text, { file: GRAPH_FILE, registry });
      try {
        await unlink(join(dir, 'tokenizer.json'));
        const body = okBody(
          await runRequest(graph, 'completions', { model: 'm', prompt: 'hello', max_tokens: 3, logprobs: 2 }),
        );
        expect(body.choices[0].logprobs.tokens).toHaveLength(3);
        const chat = okBody(
          await runRequest(graph, 'chat/completions', {
            model: 'm',
            messages: [{ role: 'user', content: 'hi' }],
            max_tokens: 3,
            logprobs: true,
            top_logprobs: 1,
          }),
        );
        expect(chat.choices[0].logprobs.content).toHaveLength(3);
      } finally {
        await graph.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
