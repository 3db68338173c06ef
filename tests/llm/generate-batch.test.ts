import { join } from 'node:path';
import { argmax, type BatchRowRef, ModelSession, SequenceBatch } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../helpers/models.js';

// Batch invariance of the KV-cache runtime: left-padded batches and sequences that join a running
// batch later (their KV merged in) decode exactly what each sequence decodes alone.

const fixtures = sharedFixturesDir();
const STEPS = 10;

interface Live {
  seq: number;
  out: number[];
  next: number;
}

/**
 * Greedy decoding where prompt i joins the running batch at step `joinAt[i]`: it is prefilled in a
 * batch of its own, then gathered into the running batch together with the running rows.
 */
async function joinedLater(
  session: ModelSession,
  prompts: number[][],
  joinAt: number[],
): Promise<number[][]> {
  const vocab = session.vocabSize;
  const results: number[][] = prompts.map(() => []);
  let running: SequenceBatch | undefined;
  let live: Live[] = [];
  for (
    let step = 0;
    live.length > 0 || results.some((r, i) => r.length === 0 && joinAt[i]! >= step);
    step++
  ) {
    const refs: BatchRowRef[] = [];
    const joined: Live[] = [];
    live.forEach((_, r) => {
      refs.push({ batch: running!, row: r });
    });
    for (let i = 0; i < prompts.length; i++) {
      if (joinAt[i] !== step) continue;
      const own = SequenceBatch.empty(session, 1);
      const logits = await own.step([prompts[i]!]);
      const first = argmax(logits.subarray(0, vocab));
      results[i]!.push(first);
      refs.push({ batch: own, row: 0 });
      joined.push({ seq: i, out: results[i]!, next: first });
    }
    live = [...live, ...joined];
    if (live.length === 0) continue;
    running = SequenceBatch.gather(session, refs);
    const logits = await running.step(live.map((l) => [l.next]));
    const keep: BatchRowRef[] = [];
    const stay: Live[] = [];
    live.forEach((l, r) => {
      l.next = argmax(logits.subarray(r * vocab, (r + 1) * vocab));
      l.out.push(l.next);
      if (l.out.length < STEPS) {
        keep.push({ batch: running!, row: r });
        stay.push(l);
      }
    });
    running = SequenceBatch.gather(session, keep);
    live = stay;
  }
  return results;
}

/** Each prompt greedily decoded in a batch of its own. */
async function alone(session: ModelSession, prompts: number[][]): Promise<number[][]> {
  const out: number[][] = [];
  for (const p of prompts) out.push((await joinedLater(session, [p], [0]))[0]!);
  return out;
}

/** All prompts prefilled in one left-padded batch, then decoded greedily in lockstep. */
async function leftPadded(session: ModelSession, prompts: number[][]): Promise<number[][]> {
  const vocab = session.vocabSize;
  const batch = SequenceBatch.empty(session, prompts.length);
  const out: number[][] = prompts.map(() => []);
  let logits = await batch.step(prompts);
  for (let step = 0; step < STEPS; step++) {
    const next = prompts.map((_, r) => argmax(logits.subarray(r * vocab, (r + 1) * vocab)));
    for (const [r, t] of next.entries()) out[r]!.push(t);
    if (step + 1 < STEPS) logits = await batch.step(next.map((t) => [t]));
  }
  return out;
}

describe.each(['llama', 'gpt2'] as const)('batch invariance on the tiny %s', (arch) => {
  let session: ModelSession;
  beforeAll(async () => {
    session = await ModelSession.open(await ensureTinyModel(arch), { threads: 1 });
  });
  afterAll(async () => session.close());

  const prompts = [
    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    [300],
    [77, 78, 79, 80],
    [500, 501, 502, 503, 504, 505, 9],
  ];

  it('four prompts of different lengths in one left-padded batch decode as each alone', async () => {
    const expected = await alone(session, prompts);
    expect(await leftPadded(session, prompts)).toEqual(expected);
    expect(new Set(expected.map((e) => e.join())).size).toBe(4);
  });

  it('sequences joining a running batch at different steps decode as each alone', async () => {
    const expected = await alone(session, prompts);
    expect(await joinedLater(session, prompts, [0, 3, 4, 7])).toEqual(expected);
  });

  it('a gathered batch squeezes out padding: seqLen is the longest remaining row', async () => {
    const batch = SequenceBatch.empty(session, 2);
    await batch.step([[1, 2, 3, 4, 5, 6], [7]]);
    expect(batch.seqLen).toBe(6);
    expect(batch.lengths).toEqual([6, 1]);
    const short = SequenceBatch.gather(session, [{ batch, row: 1 }]);
    expect(short.seqLen).toBe(1);
    const forked = SequenceBatch.gather(session, [
      { batch, row: 1 },
      { batch, row: 1 },
      { batch, row: 0 },
    ]);
    expect(forked.lengths).toEqual([1, 1, 6]);
    expect(
      SequenceBatch.gather(session, [
        { batch, row: 0 },
        { batch, row: 1 },
      ]),
    ).toBe(batch);
  });
});

describe.skipIf(!fixtures)(`third-party GPT-2 fixtures (${NO_FIXTURES_MESSAGE})`, () => {
  const prompts = [[5, 6, 7, 8, 9, 10], [400, 401], [20, 21, 22, 23], [999]];

  it('the genai layout (int32 ids, packed past_N KV) generates the same greedy tokens as its Optimum twin', async () => {
    const optimum = await ModelSession.open(join(fixtures!, 'gpt2-tiny-random-optimum'), { threads: 1 });
    const genai = await ModelSession.open(join(fixtures!, 'gpt2-tiny-random-genai'), { threads: 1 });
    try {
      expect(genai.io.idDtype).toBe('int32');
      expect(genai.io.kv[0]).toEqual({ input: 'past_0', output: 'present_0', layer: 0, packed: true });
      expect(optimum.io.idDtype).toBe('int64');
      expect(optimum.io.kv).toHaveLength(10);
      const a = await leftPadded(optimum, prompts);
      expect(await leftPadded(genai, prompts)).toEqual(a);
      expect(await joinedLater(genai, prompts, [0, 2, 2, 5])).toEqual(a);
    } finally {
      await optimum.close();
      await genai.close();
    }
  });
});
