import type { CompiledGraph } from '@weft/framework';
import type { Tokenizer } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, okBody, runRequest, streamChunks } from './graph-helpers.js';

let graph: CompiledGraph;
beforeAll(async () => {
  graph = await loadTinyLlamaGraph();
});
afterAll(async () => {
  await graph?.dispose();
});

const events = streamChunks;
const streamedText = (chunks: any[], index = 0): string =>
  chunks
    .flatMap((c) => c.choices)
    .filter((c: any) => c.index === index)
    .map((c: any) => c.text ?? c.delta?.content ?? '')
    .join('');

const greedy = {
  model: 'tiny-llama',
  prompt: 'Once upon a time',
  max_tokens: 24,
  temperature: 0,
  ignore_eos: true,
};

describe('streaming', () => {
  it('catches a stop string split across tokens and never leaks any of it', async () => {
    const full = okBody(await runRequest(graph, 'completions', { ...greedy, logprobs: 0 })).choices[0];
    const tokens: string[] = full.logprobs.tokens;
    // A stop string made of the end of one token and the start of the next, first seen there.
    let stop = '';
    let at = -1;
    for (let i = 2; i < tokens.length - 1 && at < 0; i++) {
      const [a, b] = [tokens[i]!, tokens[i + 1]!];
      if (a.length < 2 || b.length < 2 || /\ufffd/.test(a + b)) continue;
      const candidate = a.slice(-2) + b.slice(0, 2);
      const boundary = full.logprobs.text_offset[i + 1];
      if (full.text.indexOf(candidate) === boundary - 2) [stop, at] = [candidate, boundary - 2];
    }
    expect(at).toBeGreaterThan(0);
    const chunks = events(await runRequest(graph, 'completions', { ...greedy, stream: true, stop: [stop] }));
    expect(streamedText(chunks)).toBe(full.text.slice(0, at));
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    const kept = events(
      await runRequest(graph, 'completions', {
        ...greedy,
        stream: true,
        stop: [stop],
        include_stop_str_in_output: true,
      }),
    );
    expect(streamedText(kept)).toBe(full.text.slice(0, at + stop.length));
    const whole = okBody(await runRequest(graph, 'completions', { ...greedy, stop: ['zzzz', stop] }));
    expect(whole.choices[0]).toMatchObject({ text: full.text.slice(0, at), finish_reason: 'stop' });
  });

  it('never emits half of a multi-byte character split across tokens', async () => {
    const tokenizer = graph.sharedSidePacket('tokenizer') as Tokenizer;
    // Byte-level BPE: the single-byte tokens for 0xC3 and 0xA9 ("é" is C3 A9).
    const lead = tokenizer.tokenToId('\u00c3')!;
    const tail = tokenizer.tokenToId('\u00a9')!;
    expect([lead, tail].every((id) => id !== undefined)).toBe(true);
    const request = (seed: number) => ({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'Say é' }],
      max_tokens: 16,
      seed,
      logit_bias: { [lead]: 100, [tail]: 100 },
      logprobs: true,
      stream: true,
      ignore_eos: true,
    });
    let checked = 0;
    for (let seed = 1; seed <= 10 && checked < 2; seed++) {
      const chunks = events(await runRequest(graph, 'chat/completions', request(seed)));
      const entries = chunks.flatMap((c) => c.choices[0]?.logprobs?.content ?? []);
      const bytes = entries.flatMap((e: any) => e.bytes);
      const pairs = entries.some(
        (e: any, i: number) => e.bytes[0] === 0xc3 && entries[i + 1]?.bytes[0] === 0xa9,
      );
      if (!pairs) continue;
      checked++;
      expect(entries).toHaveLength(16);
      const expected = new TextDecoder().decode(Uint8Array.from(bytes));
      expect(expected).toContain('é');
      expect(streamedText(chunks)).toBe(expected);
    }
    expect(checked).toBe(2);
  });

  it('chat streams open with a role delta and end with the usage chunk', async () => {
    const chunks = events(
      await runRequest(graph, 'chat/completions', {
        model: 'tiny-llama',
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 5,
        temperature: 0,
        ignore_eos: true,
        n: 2,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const id = chunks[0].id;
    expect(id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    expect(chunks.every((c) => c.id === id && c.object === 'chat.completion.chunk')).toBe(true);
    for (const index of [0, 1]) {
      const mine = chunks.filter((c) => c.choices[0]?.index === index);
      expect(mine[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
      expect(mine.at(-1).choices[0].finish_reason).toBe('length');
    }
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage.completion_tokens).toBe(10);
    expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + 10);
    expect(streamedText(chunks, 0)).toBe(streamedText(chunks, 1));
  });

  it('a streamed completion equals the non-streamed one; echo prepends the prompt', async () => {
    const whole = okBody(await runRequest(graph, 'completions', greedy)).choices[0].text;
    const chunks = events(await runRequest(graph, 'completions', { ...greedy, stream: true }));
    expect(chunks[0].object).toBe('text_completion');
    expect(chunks[0]).not.toHaveProperty('usage');
    expect(streamedText(chunks)).toBe(whole);
    const echoed = okBody(await runRequest(graph, 'completions', { ...greedy, echo: true })).choices[0].text;
    expect(echoed).toBe(greedy.prompt + whole);
  });
});
