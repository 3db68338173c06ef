import { CalculatorRegistry, CalculatorRunner } from '@weft/framework';
import { describe, expect, it } from 'vitest';
import { BotResponseCalculator } from './bot-response-calculator.js';
import { ParseBotRequestCalculator } from './parse-bot-request-calculator.js';
import { RuleReplyCalculator } from './rule-reply-calculator.js';

const registry = new CalculatorRegistry().register(
  ParseBotRequestCalculator,
  RuleReplyCalculator,
  BotResponseCalculator,
);

async function parse(endpoint: string, body: unknown) {
  const runner = new CalculatorRunner(
    {
      calculator: 'ParseBotRequestCalculator',
      input_stream: 'REQUEST:request',
      output_stream: ['PARSED:parsed', 'PROMPT:prompt'],
    },
    { registry },
  );
  runner.addPacket('REQUEST', { endpoint, model: 'rule-bot', body }, 0);
  await runner.run();
  return { parsed: runner.outputValues('PARSED'), prompt: runner.outputValues('PROMPT') };
}

describe('ParseBotRequestCalculator', () => {
  it('takes the last user message of a chat, text parts included', async () => {
    const r = await parse('chat/completions', {
      model: 'rule-bot',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello' },
            { type: 'text', text: 'there' },
          ],
        },
      ],
    });
    expect(r.parsed).toEqual([
      {
        ok: true,
        endpoint: 'chat/completions',
        model: 'rule-bot',
        stream: true,
        includeUsage: true,
        prompt: 'hello\nthere',
      },
    ]);
    expect(r.prompt).toEqual(['hello\nthere']);
  });

  it('refuses a request it cannot answer, naming the parameter, and emits no prompt', async () => {
    const r = await parse('completions', { model: 'rule-bot', prompt: 42 });
    expect(r.parsed).toEqual([
      {
        ok: false,
        error: {
          kind: 'error',
          code: 'WEFT_ERR_REQUEST_INVALID_VALUE',
          message: '"prompt" must be a string',
          param: 'prompt',
        },
      },
    ]);
    expect(r.prompt).toEqual([]);
    const noUser = await parse('chat/completions', {
      model: 'rule-bot',
      messages: [{ role: 'system', content: 'x' }],
    });
    expect(noUser.parsed[0]).toMatchObject({ ok: false, error: { param: 'messages' } });
    const badStream = await parse('chat/completions', { model: 'rule-bot', stream: 'yes', messages: [] });
    expect(badStream.parsed[0]).toMatchObject({
      ok: false,
      error: { param: 'stream', message: '"stream" must be a boolean, got "yes"' },
    });
  });
});

describe('RuleReplyCalculator', () => {
  it('answers with the first matching rule, filling in groups, else the fallback', async () => {
    const runner = new CalculatorRunner(
      `
      calculator: RuleReplyCalculator
      input_stream: PROMPT:prompt
      output_stream: REPLY:reply
      options:
        rules:
          - { pattern: 'my name is (\\w+)', reply: 'Hi $1!' }
          - { pattern: 'name', reply: 'Names are nice.' }
      `,
      { registry },
    );
    runner.addPackets('PROMPT', ['My name is Ada', 'what is your name?', 'weather?']);
    await runner.run();
    expect(runner.outputValues('REPLY')).toEqual([
      'Hi Ada!',
      'Names are nice.',
      'Sorry, I have no rule for that.',
    ]);
    expect(runner.outputTimestamps('REPLY')).toEqual([0, 1, 2]);
  });

  it('fails at open, quoting the pattern, when a rule is not a valid regular expression', async () => {
    const runner = new CalculatorRunner(
      {
        calculator: 'RuleReplyCalculator',
        input_stream: 'PROMPT:p',
        output_stream: 'REPLY:r',
        options: { rules: [{ pattern: '(', reply: 'x' }] },
      },
      { registry },
    );
    await expect(runner.run()).rejects.toThrow(/rule pattern "\(" is not a valid regular expression/);
  });
});

describe('BotResponseCalculator', () => {
  const accepted = { ok: true, model: 'rule-bot', includeUsage: true, prompt: 'say hi' } as const;

  async function respond(parsed: unknown, reply: string | undefined) {
    const runner = new CalculatorRunner(
      {
        calculator: 'BotResponseCalculator',
        input_stream: ['PARSED:parsed', 'REPLY:reply'],
        output_stream: 'RESPONSE:response',
      },
      { registry },
    );
    runner.addPacket('PARSED', parsed, 0);
    if (reply !== undefined) runner.addPacket('REPLY', reply, 0);
    await runner.run();
    return { values: runner.outputValues<any>('RESPONSE'), timestamps: runner.outputTimestamps('RESPONSE') };
  }

  it('answers a chat with head, one chunk carrying the completion and word usage, usage, end', async () => {
    const { values, timestamps } = await respond(
      { ...accepted, endpoint: 'chat/completions', stream: false },
      'Hi you',
    );
    expect(timestamps).toEqual([0, 1, 2, 3]);
    expect(values[0]).toEqual({ kind: 'head', stream: false });
    expect(values.slice(2)).toEqual([
      { kind: 'usage', promptTokens: 2, completionTokens: 2 },
      { kind: 'end' },
    ]);
    expect(values[1]).toEqual({
      kind: 'chunk',
      tokens: 2,
      data: {
        id: expect.stringMatching(/^chatcmpl-[0-9a-f]{32}$/),
        object: 'chat.completion',
        created: expect.any(Number),
        model: 'rule-bot',
        system_fingerprint: 'rule-bot',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hi you' },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 },
      },
    });
  });

  it('streams a chat as a role delta, one chunk per word, a stop chunk and the usage chunk', async () => {
    const { values, timestamps } = await respond(
      { ...accepted, endpoint: 'chat/completions', stream: true },
      'Hi  you',
    );
    expect(timestamps).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(values.map((v) => v.kind)).toEqual([
      'head',
      'chunk',
      'chunk',
      'chunk',
      'chunk',
      'chunk',
      'usage',
      'end',
    ]);
    expect(values.slice(1, 6).map((v) => v.tokens)).toEqual([0, 1, 1, 0, 0]);
    const events = values.slice(1, 6).map((v) => v.data);
    expect(events.map((e) => e.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hi' },
      { content: '  you' },
      {},
      undefined,
    ]);
    expect(events.map((e) => e.choices[0]?.finish_reason)).toEqual([null, null, null, 'stop', undefined]);
    expect(events[4].usage).toEqual({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    expect(events[0].object).toBe('chat.completion.chunk');
  });

  it('streams a completion as text chunks without a role delta', async () => {
    const parsed = { ...accepted, endpoint: 'completions', stream: true, includeUsage: false };
    const { values } = await respond(parsed, 'one two');
    const chunks = values.filter((v) => v.kind === 'chunk').map((v) => v.data);
    expect(chunks.map((c) => c.choices[0])).toEqual([
      { index: 0, text: 'one', logprobs: null, finish_reason: null },
      { index: 0, text: ' two', logprobs: null, finish_reason: null },
      { index: 0, text: '', logprobs: null, finish_reason: 'stop' },
    ]);
    expect(chunks[0].object).toBe('text_completion');
  });

  it('turns a refusal into its error packet alone', async () => {
    const error = { kind: 'error', code: 'WEFT_ERR_REQUEST_INVALID_VALUE', message: 'm', param: 'prompt' };
    const { values } = await respond({ ok: false, error }, undefined);
    expect(values).toEqual([error]);
  });
});
