import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, it } from 'vitest';
import { requestOptions } from '../openai/request-params.js';
import type { GenerationJob, TextDeltas } from './llm-packets.js';
import { OpenAiResponseCalculator } from './openai-response-calculator.js';

const registry = new CalculatorRegistry().register(OpenAiResponseCalculator);
const NODE = `
calculator: OpenAiResponseCalculator
input_stream: [JOB:job, DELTAS:deltas, ERROR:0:request_error, ERROR:1:engine_error]
output_stream: [RESPONSE:response]
`;

function job(endpoint: 'completions' | 'chat/completions', body: Record<string, unknown>): GenerationJob {
  const options = requestOptions(endpoint, {
    model: 'm',
    ...(endpoint === 'completions' ? { prompt: 'Hi' } : { messages: [] }),
    ...body,
  } as never);
  return {
    id: endpoint === 'completions' ? 'cmpl-1' : 'chatcmpl-1',
    endpoint,
    model: 'm',
    created: 1700000000,
    prompts: [{ text: 'Hi' }],
    options,
    addSpecialTokens: true,
    promptIds: [[1, 2, 3]],
    promptTexts: ['Hi'],
    maxTokens: [2],
    eosIds: [0],
  };
}

const step1: TextDeltas = {
  deltas: [{ index: 0, tokens: 1, text: ' the', logprobs: [], finishReason: undefined }],
  completionTokens: undefined,
};
const step2: TextDeltas = {
  deltas: [{ index: 0, tokens: 1, text: ' end', logprobs: [], finishReason: 'length' }],
  completionTokens: 2,
};
const head = { created: 1700000000, model: 'm', system_fingerprint: 'fp_weft_0_1' };

async function run(
  j: GenerationJob | undefined,
  deltas: TextDeltas[],
  errors: [string, unknown, number][] = [],
) {
  const runner = new CalculatorRunner(NODE, { registry });
  if (j) runner.addPacket('job', j, 0);
  deltas.forEach((d, i) => {
    runner.addPacket('deltas', d, i + 1);
  });
  for (const [stream, value, ts] of errors) runner.addPacket(stream, value, ts);
  await runner.run();
  return runner.outputValues('response');
}

describe('OpenAiResponseCalculator', () => {
  it('non-streaming: head, one chunk with the whole choice and usage, the usage packet, end', async () => {
    expect(await run(job('completions', {}), [step1, step2])).toEqual([
      { kind: 'head', stream: false },
      {
        kind: 'chunk',
        tokens: 2,
        data: {
          id: 'cmpl-1',
          object: 'text_completion',
          ...head,
          choices: [{ index: 0, text: ' the end', logprobs: null, finish_reason: 'length' }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        },
      },
      { kind: 'usage', promptTokens: 3, completionTokens: 2 },
      { kind: 'end' },
    ]);
  });

  it('chat streaming: a role delta first, then content deltas, then the usage chunk', async () => {
    const out = await run(
      job('chat/completions', { stream: true, stream_options: { include_usage: true } }),
      [step1, step2],
    );
    const chunk = (tokens: number | undefined, choices: unknown[], usage: unknown = null) => ({
      kind: 'chunk',
      data: { id: 'chatcmpl-1', object: 'chat.completion.chunk', ...head, choices, usage },
      ...(tokens === undefined ? {} : { tokens }),
    });
    expect(out).toEqual([
      { kind: 'head', stream: true },
      chunk(0, [
        { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      ]),
      chunk(1, [{ index: 0, delta: { content: ' the' }, logprobs: null, finish_reason: null }]),
      chunk(1, [{ index: 0, delta: { content: ' end' }, logprobs: null, finish_reason: 'length' }]),
      chunk(undefined, [], { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }),
      { kind: 'usage', promptTokens: 3, completionTokens: 2 },
      { kind: 'end' },
    ]);
  });

  it('an error before anything was sent is passed on as the only packet', async () => {
    const error = { kind: 'error', code: 'WEFT_ERR_REQUEST_INVALID_VALUE', message: 'bad', param: 'n' };
    expect(await run(undefined, [], [['request_error', error, 0]])).toEqual([error]);
  });

  it('an error after streaming started is passed on, and ends the response', async () => {
    const error = { kind: 'error', code: 'WEFT_ERR_ENGINE_WORKER', message: 'worker died', param: null };
    const out = await run(job('completions', { stream: true }), [step1], [['engine_error', error, 2]]);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ kind: 'head', stream: true });
    expect(out[2]).toEqual(error);
  });
});
