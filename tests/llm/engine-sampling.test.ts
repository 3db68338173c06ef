import {
  DEFAULT_SAMPLING_PARAMS,
  Engine,
  type EngineSampling,
  EngineWorkerError,
  InvalidGenerateArgumentError,
  RequestSampler,
  type SampledToken,
  SequenceGroupStateError,
} from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

// Groups the engine samples in its worker (`SubmitOptions.sampling`) must draw exactly what the
// same request sampler draws from the logits on the caller's side, whatever shares the batch.

const params = {
  ...DEFAULT_SAMPLING_PARAMS,
  temperature: 0.9,
  topP: 0.95,
  frequencyPenalty: 0.4,
  logitBias: new Map([[17, 2]]),
  logprobs: 3,
  seed: 4242,
};
const prompts = [
  [40, 41, 42, 43, 44],
  [7, 8, 9],
  [100, 200, 300, 400, 500, 600, 700],
];

/** The caller-side reference: logits to the caller, `RequestSampler` there, tokens appended back. */
async function sampledByCaller(
  engine: Engine,
  prompt: readonly number[],
  sampling: EngineSampling,
): Promise<SampledToken[]> {
  const sampler = new RequestSampler(sampling.params, sampling.eosIds);
  const slot = sampler.addSlot(prompt, sampling.maxTokens, sampling.stream);
  const group = engine.submit(prompt, { maxTokens: sampling.maxTokens });
  const out: SampledToken[] = [];
  try {
    for (;;) {
      const { logits } = await group.next();
      const s = sampler.sample(slot, logits);
      out.push(s);
      if (s.finish) return out;
      group.append([s.token]);
    }
  } finally {
    group.finish();
  }
}

async function sampledByEngine(
  engine: Engine,
  prompt: readonly number[],
  sampling: EngineSampling,
): Promise<SampledToken[]> {
  const group = engine.submit(prompt, { maxTokens: sampling.maxTokens, sampling });
  const out: SampledToken[] = [];
  try {
    for (;;) {
      const { sampled } = await group.next();
      out.push(sampled);
      if (sampled.finish) return out;
    }
  } finally {
    group.finish();
  }
}

/** Same tokens, finishes and top-logprob ids; logprobs within 1e-4 (a batch's float sums differ). */
function expectSameDraws(actual: SampledToken[], expected: SampledToken[]): void {
  const shape = (s: SampledToken[]) =>
    s.map((t) => ({ token: t.token, finish: t.finish, top: t.logprobs?.top.map((e) => e.token) }));
  expect(shape(actual)).toEqual(shape(expected));
  const values = (s: SampledToken[]) =>
    s.flatMap((t) => [t.logprobs!.logprob, ...t.logprobs!.top.map((e) => e.logprob)]);
  const a = values(actual);
  const e = values(expected);
  for (let i = 0; i < e.length; i++) expect(Math.abs(a[i]! - e[i]!)).toBeLessThan(1e-4);
}

describe('sampling in the engine worker', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.start(await ensureTinyModel('llama'), { threads: 1, maxNumSeqs: 8 });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('draws the same tokens and logprobs as the caller-side sampler, alone and in a crowded batch', async () => {
    const eos = engine.model.eosTokenIds;
    const spec = (stream: number): EngineSampling => ({ params, eosIds: eos, maxTokens: 12, stream });
    const reference: SampledToken[][] = [];
    for (const [i, p] of prompts.entries()) reference.push(await sampledByCaller(engine, p, spec(i)));
    expect(reference.every((r) => r.length === 12 || r.at(-1)!.finish === 'stop')).toBe(true);
    // Alone, one after the other.
    for (const [i, p] of prompts.entries())
      expect(await sampledByEngine(engine, p, spec(i))).toEqual(reference[i]);
    // All at once, beside caller-sampled groups of other prompts in the same steps.
    const crowd = [
      ...prompts.map((p, i) => sampledByEngine(engine, p, spec(i))),
      ...prompts.map((p, i) => sampledByCaller(engine, [...p, 5], spec(i + 3))),
    ];
    const results = await Promise.all(crowd);
    for (let i = 0; i < 3; i++) expectSameDraws(results[i]!, reference[i]!);
    expect(engine.metrics()).toMatchObject({ running: 0, kvCacheUsedTokens: 0 });
  });

  it('ends a group at max tokens with finish "length" and at an EOS id with finish "stop"', async () => {
    const greedy = { ...DEFAULT_SAMPLING_PARAMS, temperature: 0, seed: 0 };
    const long = await sampledByEngine(engine, prompts[0]!, {
      params: greedy,
      eosIds: [],
      maxTokens: 5,
      stream: 0,
    });
    expect(long.map((s) => s.finish)).toEqual([undefined, undefined, undefined, undefined, 'length']);
    // Make the third greedy token an end id: the sequence stops there.
    const third = long[2]!.token;
    const stopped = await sampledByEngine(engine, prompts[0]!, {
      params: greedy,
      eosIds: [third],
      maxTokens: 5,
      stream: 0,
    });
    expect(stopped.map((s) => s.token)).toEqual(long.slice(0, 3).map((s) => s.token));
    expect(stopped.at(-1)!.finish).toBe('stop');
  });

  it('keeps decoding ahead of a slow caller and queues the tokens for it', async () => {
    const greedy = { ...DEFAULT_SAMPLING_PARAMS, temperature: 0, seed: 0 };
    const group = engine.submit(prompts[1]!, {
      maxTokens: 6,
      sampling: { params: greedy, eosIds: [], maxTokens: 6, stream: 0 },
    });
    // Nobody calls next(): the worker still runs all six steps.
    await expect.poll(() => engine.metrics().generatedTokens, { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    const tokens: number[] = [];
    for (let i = 0; i < 6; i++) tokens.push((await group.next()).sampled.token);
    const reference = await sampledByCaller(engine, prompts[1]!, {
      params: greedy,
      eosIds: [],
      maxTokens: 6,
      stream: 0,
    });
    expect(tokens).toEqual(reference.map((s) => s.token));
    await expect(group.next()).rejects.toThrow(SequenceGroupStateError);
    group.finish();
  });

  it('refuses append() on an engine-sampled group and sampling for groups of several rows', async () => {
    const sampling = { params: { ...params }, eosIds: [], maxTokens: 4, stream: 0 };
    const group = engine.submit(prompts[0]!, { maxTokens: 4, sampling });
    await group.next();
    expect(() => group.append([1] as never)).toThrow(/sampled by the engine/);
    group.finish();
    expect(() => engine.submit(prompts[0]!, { n: 2, sampling })).toThrow(InvalidGenerateArgumentError);
  });

  it('frees a group cancelled while its worker runs ahead', async () => {
    const controller = new AbortController();
    const greedy = { ...DEFAULT_SAMPLING_PARAMS, temperature: 0, seed: 0 };
    const group = engine.submit(prompts[2]!, {
      maxTokens: 200,
      signal: controller.signal,
      sampling: { params: greedy, eosIds: [], maxTokens: 200, stream: 0 },
    });
    await group.next();
    controller.abort(new Error('client went away'));
    await expect(group.next()).rejects.toThrow('client went away');
    await expect.poll(() => engine.metrics().running).toBe(0);
    expect(engine.metrics().kvCacheUsedTokens).toBe(0);
  });

  it('a dead worker fails its running sampled group; a queued one runs on the new worker with the same draws', async () => {
    const dir = await ensureTinyModel('llama');
    const own = await Engine.start(dir, { threads: 1, maxNumSeqs: 1 });
    try {
      const spec = { params, eosIds: own.model.eosTokenIds, maxTokens: 10, stream: 0 };
      const expected = await sampledByEngine(own, prompts[1]!, spec);
      const running = own.submit(prompts[0]!, { maxTokens: 500, sampling: { ...spec, maxTokens: 500 } });
      await running.next();
      const queued = own.submit(prompts[1]!, { maxTokens: 10, sampling: spec });
      expect(queued.state).toBe('queued');
      await own.killWorker();
      // Tokens already drawn may still be queued for the caller; after them comes the failure.
      let failure: unknown;
      for (;;) {
        try {
          await running.next();
        } catch (err) {
          failure = err;
          break;
        }
      }
      expect(failure).toBeInstanceOf(EngineWorkerError);
      const draws: SampledToken[] = [];
      for (;;) {
        const { sampled } = await queued.next();
        draws.push(sampled);
        if (sampled.finish) break;
      }
      queued.finish();
      expect(draws).toEqual(expected);
      expect(own.status()).toMatchObject({ state: 'ready', restarts: 1 });
    } finally {
      await own.close();
    }
  });
});
