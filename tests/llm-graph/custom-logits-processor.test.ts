import { defineCalculator } from '@weft/framework';
import { type GroupLogits, llmTypes, type StepLogits, type Tokenizer } from '@weft/llm';
import { describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, okBody, runRequest } from './graph-helpers.js';

// A user's own logits processing sits between the executor and the sampler; with the executor's
// `sampling: graph` it sees (and changes) the logits of every step.

/** Bans token ids by setting their logits to −∞ (a copy: logits packets are shared, never written). */
const BanTokensCalculator = defineCalculator({
  name: 'BanTokensCalculator',
  description: 'Sets the logits of the banned token ids to -Infinity.',
  inputs: { LOGITS: { type: llmTypes.logits, description: 'step logits' } },
  outputs: { LOGITS: { type: llmTypes.logits, description: 'step logits without the banned tokens' } },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['ids'],
    properties: { ids: { type: 'array', items: { type: 'integer' }, description: 'banned ids' } },
  },
  create() {
    return {
      process(ctx) {
        const step: StepLogits = ctx.input('LOGITS')!.value;
        const groups = step.groups.map((g): GroupLogits => {
          if (!('logits' in g))
            throw new Error('BanTokensCalculator needs logits: set the executor to sampling: graph');
          const logits = g.logits.slice();
          for (let r = 0; r < g.rows; r++)
            for (const id of ctx.options.ids) logits[r * step.vocab + id] = -Infinity;
          return { ...g, logits };
        });
        ctx.output('LOGITS').add({ vocab: step.vocab, groups });
      },
    };
  },
});

const withBan = (ids: number[]) => (yaml: string) =>
  yaml
    .replace(
      'output_stream: [LOGITS:logits, ERROR:engine_error]',
      'output_stream: [LOGITS:raw_logits, ERROR:engine_error]',
    )
    .replace(
      '  - name: sampler\n',
      `  - name: ban\n    calculator: BanTokensCalculator\n    input_stream: [LOGITS:raw_logits]\n    output_stream: [LOGITS:logits]\n    options: { ids: ${JSON.stringify(ids)} }\n  - name: sampler\n`,
    );

describe('a custom logits processor before the sampler', () => {
  it('changes what is sampled when the executor sends logits (sampling: graph)', async () => {
    const plain = await loadTinyLlamaGraph({}, 'graph');
    const body = {
      model: 'tiny-llama',
      prompt: 'Once upon a time',
      max_tokens: 8,
      temperature: 0,
      ignore_eos: true,
      logprobs: 0,
    };
    let first: string;
    try {
      first = okBody(await runRequest(plain, 'completions', body)).choices[0].logprobs.tokens[0];
    } finally {
      await plain.dispose();
    }
    // Ban the first greedy token by id: the answer must start differently, and never contain it.
    const graphFor = (sampling: 'engine' | 'graph', ids: number[]) =>
      loadTinyLlamaGraph({}, sampling, withBan(ids), [BanTokensCalculator]);
    const probe = await graphFor('graph', []);
    let firstId: number;
    try {
      const t = probe.sharedSidePacket('tokenizer') as Tokenizer;
      const ids = await t.encode(first!, { addSpecialTokens: false });
      expect(ids).toHaveLength(1);
      firstId = ids[0]!;
    } finally {
      await probe.dispose();
    }
    const banned = await graphFor('graph', [firstId]);
    try {
      const answer = okBody(await runRequest(banned, 'completions', body)).choices[0];
      expect(answer.logprobs.tokens[0]).not.toBe(first!);
    } finally {
      await banned.dispose();
    }
    // With sampling: engine the processor gets no logits and says so: the run fails loudly.
    const wrong = await graphFor('engine', [firstId]);
    try {
      await expect(runRequest(wrong, 'completions', body)).rejects.toThrow(/sampling: graph/);
    } finally {
      await wrong.dispose();
    }
  });
});
