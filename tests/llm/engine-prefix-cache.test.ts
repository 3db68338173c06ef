import { join } from 'node:path';
import { Engine, type EngineOptions, InvalidGenerateArgumentError, type ModelKind } from '@weft/llm';
import { afterAll, describe, expect, it } from 'vitest';
import { batchDifferences, greedyGroup, type RowTrace } from '../helpers/batch-invariance.js';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../helpers/models.js';

// Automatic prefix caching: a prompt that starts with blocks an earlier prompt computed reuses
// their KV, and its answers equal the same engine's with caching off (greedy tokens exactly,
// logprobs within 1e-4) in every KV layout the builder writes, alone and concurrently.

const TOLERANCE = 1e-4;
const BLOCK = 4;
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

async function start(dir: string, options: EngineOptions = {}): Promise<Engine> {
  const engine = await Engine.start(dir, { threads: 1, readyWaitMs: 2, prefixBlockSize: BLOCK, ...options });
  engines.push(engine);
  return engine;
}

/** A shared prefix of 37 tokens (9 whole blocks of 4) and prompts continuing it. */
const PREFIX = Array.from({ length: 37 }, (_, i) => 40 + ((i * 7) % 300));
const prompt = (...tail: number[]) => [...PREFIX, ...tail];
const FIRST = prompt(5, 6);
const LATER = [prompt(7, 8, 9), prompt(11), prompt(12, 13, 14, 15, 16, 17), prompt(5, 6)];
const STEPS = 6;

const fixtures = sharedFixturesDir();

/** A layout: builder kind (or a model directory), engine options. */
const LAYOUTS: [string, Partial<ModelKind> | string, EngineOptions][] = [
  ['standard Attention (past/present concat, left-aligned rows)', {}, {}],
  ['GroupQueryAttention, share-buffer KV (right-aligned rows)', { attention: 'gqa' }, {}],
  ['GroupQueryAttention without share-buffer', { attention: 'gqa' }, { shareBuffer: false }],
  ['merged decoder (use_cache_branch)', { merged: true }, {}],
  ['merged GroupQueryAttention decoder', { attention: 'gqa', merged: true }, {}],
  ['q4 (MatMulNBits)', { quant: 'q4' }, { dtype: 'q4' }],
  ['GroupQueryAttention, onnxruntime-genai layout', { attention: 'gqa', layout: 'genai' }, {}],
  ...(fixtures
    ? [
        [
          'packed past_N KV (../shared gpt2-tiny-random-genai, com.microsoft::Attention)',
          join(fixtures, 'gpt2-tiny-random-genai'),
          {},
        ] as [string, string, EngineOptions],
      ]
    : []),
];
if (!fixtures) it.skip(`packed past_N KV of ../shared (${NO_FIXTURES_MESSAGE})`, () => {});

/** Each prompt alone, one after the other. */
async function alone(engine: Engine, prompts: readonly (readonly number[])[]): Promise<RowTrace[]> {
  const out: RowTrace[] = [];
  for (const p of prompts) out.push((await greedyGroup(engine, p, STEPS))[0]!);
  return out;
}

describe.each(LAYOUTS)('prefix caching, %s', (_name, kind, options) => {
  it('reuses cached blocks and answers as without caching, alone and concurrently', async () => {
    const dir = typeof kind === 'string' ? kind : await ensureTinyModel('llama', 'tiny', 0, kind);
    const off = await start(dir, { ...options, prefixCaching: false });
    const on = await start(dir, options);
    const reference = await alone(off, [FIRST, ...LATER]);

    // Alone: the first prompt fills the cache, each later one reuses the 9 shared blocks. The
    // last one repeats the first exactly: its last block is not reused (its last token must run).
    const first = await greedyGroup(on, FIRST, STEPS);
    // 9 prompt blocks, and 2 more when it finished: its 39 tokens and the 5 it ran make 11 blocks.
    expect(on.metrics().prefixCache).toMatchObject({ queriedTokens: 39, hitTokens: 0, blocks: 11 });
    const later = await alone(on, LATER);
    expect(batchDifferences([first, ...later.map((t) => [t])], reference, TOLERANCE)).toEqual([]);
    expect(on.metrics().prefixCache.hitTokens).toBe(4 * 36);

    // The next turn of a conversation (prompt, answer, new tokens) reuses the answer's blocks too.
    const turn = [...FIRST, ...first[0]!.tokens.slice(0, STEPS - 1), 3, 4];
    const hits = on.metrics().prefixCache.hitTokens;
    expect(
      batchDifferences([await greedyGroup(on, turn, STEPS)], await alone(off, [turn]), TOLERANCE),
    ).toEqual([]);
    expect(on.metrics().prefixCache.hitTokens - hits).toBe(44);

    // Concurrently: the cached prompts start together, and a new prefix is submitted twice at
    // once (the second cannot reuse blocks the first is still prefilling: it computes them).
    const fresh = [800, 801, 802, 803, 804, 805, 806, 807, 808, 809];
    const together = await Promise.all(
      [...LATER, fresh, [...fresh, 1]].map((p) => greedyGroup(on, p, STEPS)),
    );
    const freshAlone = await alone(off, [fresh, [...fresh, 1]]);
    expect(batchDifferences(together, [...reference.slice(1), ...freshAlone], TOLERANCE)).toEqual([]);
    // The new prefix's 2 blocks came from a prompt prefilled beside another (a padded run).
    const next = [...fresh, 1, 2, 3];
    const before = on.metrics().prefixCache.hitTokens;
    expect(
      batchDifferences([await greedyGroup(on, next, STEPS)], await alone(off, [next]), TOLERANCE),
    ).toEqual([]);
    expect(on.metrics().prefixCache.hitTokens - before).toBe(8);
    expect(on.metrics()).toMatchObject({ running: 0, kvCacheUsedTokens: 0 });
    // 36 tokens each, and 40 for the 43-token prompt, whose 10th block its own first run left.
    expect(on.metrics().prefixCache.hitTokens).toBe(4 * 36 + 44 + 3 * 36 + 40 + 8);
    expect(off.metrics().prefixCache).toMatchObject({ enabled: false, queriedTokens: 0, blocks: 0 });
  });
});

describe('prefix caching inside the KV budget', () => {
  it('evicts least recently used blocks to stay within what reservations leave', async () => {
    // 64 tokens; a 20-token prompt with 4 new tokens reserves 24, so the cache may hold 40.
    const engine = await start(await ensureTinyModel('llama'), { kvCacheTokens: 64, maxNumSeqs: 1 });
    const p = (base: number) => Array.from({ length: 20 }, (_, i) => base + i);
    const run = async (ids: number[]) => (await greedyGroup(engine, ids, 4))[0]!;
    const cache = () => engine.metrics().prefixCache;
    const a1 = await run(p(100));
    await run(p(200));
    expect(cache()).toMatchObject({ blocks: 10, tokens: 40, hitTokens: 0 });
    await run(p(300)); // evicts the least recently used: every block of p(100)
    expect(cache()).toMatchObject({ blocks: 10, tokens: 40, hitTokens: 0 });
    const a2 = await run(p(100)); // a miss now, computed again (and cached again)
    expect(cache()).toMatchObject({ blocks: 10, hitTokens: 0 });
    expect(a2).toEqual(a1);
    await run(p(300)); // still cached: 4 blocks reused (not the 5th, holding the last token)
    expect(cache()).toMatchObject({ blocks: 10, hitTokens: 16 });
    expect(cache().bytes).toBe(40 * engine.model.kvBytesPerToken);
    expect(engine.model.kvBytesPerToken).toBe(
      engine.model.numLayers * 2 * engine.model.kvHeads * engine.model.headSize * 4,
    );
  });

  it('gives up blocks still being prefilled when a concurrent admission needs their room', async () => {
    // Two 20-token prompts admitted at once reserve 48 of 64: the first's 5 blocks (20 tokens)
    // exceed the 16 left, so its last block is given up before its prefill, and the second keeps none.
    const dir = await ensureTinyModel('llama');
    const engine = await start(dir, { kvCacheTokens: 64, maxNumSeqs: 2 });
    const off = await start(dir, { prefixCaching: false });
    const p = (base: number) => Array.from({ length: 20 }, (_, i) => base + i);
    const running = [greedyGroup(engine, p(100), 4), greedyGroup(engine, p(200), 4)];
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 4, tokens: 16, hitTokens: 0 });
    const both = await Promise.all(running);
    // Finished, each keeps its whole blocks (prompt and 3 run tokens: 5 blocks) in the freed budget.
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 10, tokens: 40, hitTokens: 0 });
    const again = await greedyGroup(engine, p(100), 4); // reuses 4 blocks (the 5th holds its last token)
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 10, hitTokens: 16 });
    const reference = await Promise.all([greedyGroup(off, p(100), 4), greedyGroup(off, p(200), 4)]);
    expect(
      batchDifferences(
        [...both, again],
        [...reference, reference[0]!].map((r) => r[0]!),
        TOLERANCE,
      ),
    ).toEqual([]);
  });

  it('holds at most prefixCacheBytes', async () => {
    const dir = await ensureTinyModel('llama');
    const probe = await start(dir);
    const perBlock = BLOCK * probe.model.kvBytesPerToken;
    const engine = await start(dir, { prefixCacheBytes: 6 * perBlock + 1 });
    for (const base of [100, 200, 300])
      await greedyGroup(
        engine,
        Array.from({ length: 20 }, (_, i) => base + i),
        2,
      );
    // 5 blocks each; at most 6 held: the last prompt's 5 and the most recent of the one before.
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 6, bytes: 6 * perBlock });
    await expect(Engine.start(dir, { prefixCacheBytes: 0 })).rejects.toThrow(
      'engine option prefixCacheBytes = 0 must be an integer ≥ 1',
    );
  });

  it('holds nothing while a reservation takes the whole budget; reused blocks are copied before they go', async () => {
    const engine = await start(await ensureTinyModel('llama'), { kvCacheTokens: 24, maxNumSeqs: 1 });
    const ids = Array.from({ length: 20 }, (_, i) => 100 + i);
    const first = greedyGroup(engine, ids, 4); // reserves all 24 tokens: nothing kept at admission
    expect(engine.metrics().prefixCache.blocks).toBe(0);
    const a = await first;
    expect(engine.metrics().prefixCache.blocks).toBe(5); // kept when it finished
    // Admitted, the second reuses 4 blocks and the cache is emptied for its reservation in the same
    // turn: the worker copies them before it reads the forget.
    const second = greedyGroup(engine, ids, 4);
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 0, hitTokens: 16 });
    expect(await second).toEqual(a);
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 5, hitTokens: 16, queriedTokens: 40 });
  });
});

describe('prefix caching and worker restarts', () => {
  it('forgets every block with a dead worker; the new worker fills the cache again', async () => {
    const engine = await start(await ensureTinyModel('llama'), { maxNumSeqs: 1 });
    const warmed = await greedyGroup(engine, FIRST, 3);
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 10, hitTokens: 0 });
    // Queued behind a running group when the worker dies, it runs on the new worker: a miss.
    const running = engine.submit([1, 2, 3]);
    await running.next();
    const queued = greedyGroup(engine, FIRST, 3);
    await engine.killWorker();
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 0 });
    expect(await queued).toEqual(warmed);
    expect(engine.metrics().prefixCache).toMatchObject({ blocks: 10, hitTokens: 0 });
    expect(await greedyGroup(engine, FIRST, 3)).toEqual(warmed);
    expect(engine.metrics().prefixCache).toMatchObject({ hitTokens: 36 });
  });
});

describe('prefix caching switches', () => {
  it('is off for a model whose numerics couple rows (q8 dynamic quantization)', async () => {
    const engine = await start(await ensureTinyModel('llama', 'tiny', 0, { quant: 'q8' }), { dtype: 'q8' });
    await greedyGroup(engine, FIRST, 2);
    await greedyGroup(engine, LATER[0]!, 2);
    expect(engine.metrics().prefixCache).toMatchObject({ enabled: false, queriedTokens: 0, blocks: 0 });
  });

  it('refuses bad options with the value and the rule', async () => {
    const dir = await ensureTinyModel('llama');
    await expect(Engine.start(dir, { prefixBlockSize: 0 })).rejects.toThrow(
      new InvalidGenerateArgumentError('engine option prefixBlockSize = 0 must be an integer ≥ 1'),
    );
    await expect(Engine.start(dir, { prefixCaching: 'yes' as never })).rejects.toThrow(
      'engine option prefixCaching = "yes" must be true or false',
    );
  });
});
