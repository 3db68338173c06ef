import type { CompiledGraph } from '@weft/framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, okBody, runRequest, streamChunks } from './graph-helpers.js';

// The served graph samples plain requests inside the engine's worker (`sampling: engine`); the same
// graph with `sampling: graph` samples every token in the Sampler node. Both must answer the same.

let inEngine: CompiledGraph;
let inGraph: CompiledGraph;
beforeAll(async () => {
  inEngine = await loadTinyLlamaGraph({}, 'engine');
  inGraph = await loadTinyLlamaGraph({}, 'graph');
});
afterAll(async () => {
  await inEngine?.dispose();
  await inGraph?.dispose();
});

const base = { model: 'tiny-llama', prompt: 'Once upon a time', max_tokens: 16 };

/** Everything but ids and timestamps, logprobs rounded to 1e-4 (batch sums differ in the last bits). */
function comparable(body: any): unknown {
  return JSON.parse(
    JSON.stringify({ choices: body.choices, usage: body.usage }, (_k, v) =>
      typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v,
    ),
  );
}

const cases: [string, Record<string, unknown>][] = [
  ['greedy', { temperature: 0, ignore_eos: true }],
  [
    'seeded sampling with logprobs',
    { temperature: 1.1, top_p: 0.9, seed: 77, logprobs: 3, ignore_eos: true },
  ],
  [
    'penalties and logit_bias',
    { temperature: 0.8, seed: 5, frequency_penalty: 0.7, presence_penalty: 0.3, logit_bias: { '20': 3 } },
  ],
  ['top_k, min_p and min_tokens', { temperature: 1, top_k: 20, min_p: 0.05, seed: 11, min_tokens: 8 }],
  ['two prompts', { prompt: ['Once upon a time', 'The little robot'], temperature: 1, seed: 3 }],
];

describe('sampling in the engine vs in the graph', () => {
  it.each(cases)('%s: the same answer', async (_name, params) => {
    const body = { ...base, ...params };
    const a = okBody(await runRequest(inEngine, 'completions', body));
    const b = okBody(await runRequest(inGraph, 'completions', body));
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('a stop string ends the text at the same place although the engine ran ahead', async () => {
    const free = okBody(
      await runRequest(inGraph, 'completions', { ...base, temperature: 0, ignore_eos: true }),
    );
    const text: string = free.choices[0].text;
    const stop = text.slice(6, 9);
    expect(stop.trim().length).toBeGreaterThan(0);
    const body = { ...base, temperature: 0, ignore_eos: true, stop: [stop] };
    const a = okBody(await runRequest(inEngine, 'completions', body));
    const b = okBody(await runRequest(inGraph, 'completions', body));
    expect(a.choices[0].text).toBe(text.slice(0, text.indexOf(stop)));
    expect(a.choices[0].finish_reason).toBe('stop');
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('streams the same chunks', async () => {
    const body = {
      ...base,
      temperature: 0.7,
      seed: 9,
      stream: true,
      stream_options: { include_usage: true },
    };
    const strip = (chunks: any[]) => chunks.map((c) => ({ choices: c.choices, usage: c.usage }));
    const a = streamChunks(await runRequest(inEngine, 'completions', body));
    const b = streamChunks(await runRequest(inGraph, 'completions', body));
    expect(strip(a)).toEqual(strip(b));
  });

  it('the executor sends drawn tokens for plain requests in engine mode, logits otherwise', async () => {
    // The graph with the executor's LOGITS stream also exposed as a graph output.
    const expose = (yaml: string) =>
      yaml.replace('output_stream: [RESPONSE:response]', 'output_stream: [RESPONSE:response, LOGITS:logits]');
    const kinds = async (sampling: 'engine' | 'graph', body: Record<string, unknown>) => {
      const graph = await loadTinyLlamaGraph({}, sampling, expose);
      try {
        const run = graph.start();
        await run.addPacket('request', { endpoint: 'completions', model: 'tiny-llama', body }, 0);
        run.closeInput('request');
        const seen = new Set<string>();
        const logits = (async () => {
          for await (const p of run.output<any>('logits'))
            for (const g of p.value.groups) seen.add('sampled' in g ? 'sampled' : 'logits');
        })();
        for await (const _ of run.output('response'));
        await logits;
        await run.done();
        return [...seen];
      } finally {
        await graph.dispose();
      }
    };
    const plain = { ...base, max_tokens: 4, temperature: 0 };
    expect(await kinds('engine', plain)).toEqual(['sampled']);
    expect(await kinds('graph', plain)).toEqual(['logits']);
    expect(await kinds('engine', { ...plain, n: 2 })).toEqual(['logits']);
  });

  it('n=2 and constrained requests still get logits: same answers in both graphs', async () => {
    const n2 = { ...base, n: 2, temperature: 1, seed: 21 };
    expect(comparable(okBody(await runRequest(inEngine, 'completions', n2)))).toEqual(
      comparable(okBody(await runRequest(inGraph, 'completions', n2))),
    );
    const json = {
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'Give a number' }],
      max_tokens: 24,
      seed: 8,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'n',
          schema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
        },
      },
    };
    const a = okBody(await runRequest(inEngine, 'chat/completions', json));
    const b = okBody(await runRequest(inGraph, 'chat/completions', json));
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
  });
});
