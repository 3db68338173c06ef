import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions, type ModelKind, ModelSession, optimizeModel } from '@weft/llm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aloneTraces,
  batchDifferences,
  batchedScenario,
  greedyGroup,
  type RowTrace,
} from '../helpers/batch-invariance.js';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../helpers/models.js';

// `weft model optimize --append-kv` turns every present output into the new positions only; the
// engine keeps the KV and appends them. Answers must equal the unoptimized model's (greedy tokens
// exactly, logprobs within 1e-4) alone, batched, with chunked prefill, past KV capacity steps
// (64 positions) and with prefix caching on.

const TOLERANCE = 1e-4;
const scratch = mkdtempSync(join(tmpdir(), 'weft-append-kv-'));
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function start(dir: string, options: EngineOptions = {}): Promise<Engine> {
  const engine = await Engine.start(dir, { threads: 1, readyWaitMs: 2, ...options });
  engines.push(engine);
  return engine;
}

/** A copy of the builder's model, optimized with `appendKv`. */
async function appended(name: string, source: string): Promise<string> {
  const dir = join(scratch, name);
  cpSync(source, dir, { recursive: true });
  const report = await optimizeModel(dir, { appendKv: true });
  expect(report.appendedKv.length).toBeGreaterThan(0);
  expect(report.maxLogitDifference).toBeLessThanOrEqual(TOLERANCE);
  return dir;
}

function expectSame(after: readonly RowTrace[], before: readonly RowTrace[]): void {
  expect(
    batchDifferences(
      after.map((t) => [t]),
      [...before],
      TOLERANCE,
    ),
  ).toEqual([]);
}

/** 70 and 135 tokens: prefills and decodes cross the 64-position capacity steps. */
const LONG = [
  Array.from({ length: 70 }, (_, i) => (i * 29 + 3) % 800),
  Array.from({ length: 135 }, (_, i) => (i * 41 + 17) % 800),
];

const KINDS: [string, 'llama' | 'gpt2', Partial<ModelKind>][] = [
  ['llama', 'llama', {}],
  ['gpt2', 'gpt2', {}],
  ['llama merged decoder (use_cache_branch)', 'llama', { merged: true }],
];

describe.each(KINDS)('appended KV: %s', (name, arch, kind) => {
  it('answers as the original alone, batched, chunked and with prefix caching', async () => {
    const original = await ensureTinyModel(arch, 'tiny', 0, kind);
    const dir = await appended(name.replace(/\W+/g, '-'), original);
    const before = await start(original, { prefixCaching: false });
    const after = await start(dir, { prefixCaching: false });
    expect(after.model.batching).toMatchObject({ rowAlignment: 'left', appendKv: true, shareBuffer: false });

    const alone = await aloneTraces(before);
    expectSame(await aloneTraces(after), alone);
    expect(batchDifferences(await batchedScenario(after), alone, TOLERANCE)).toEqual([]);

    const long = async (engine: Engine) =>
      (await Promise.all(LONG.map((p) => greedyGroup(engine, p, 70)))).map((rows) => rows[0]!);
    const longBefore = await long(before);
    expectSame(await long(after), longBefore);
    // A 7-token budget: prompts prefilled in chunks, interleaved with the other row's decode steps.
    const chunked = await start(dir, { prefixCaching: false, maxNumBatchedTokens: 7 });
    expectSame(await long(chunked), longBefore);
    // Prefix caching on: the second run of each prompt starts from cached blocks.
    const cached = await start(dir, { prefixBlockSize: 16 });
    expectSame(await long(cached), longBefore);
    expectSame(await long(cached), longBefore);
    expect(cached.metrics().prefixCache.hitTokens).toBeGreaterThan(0);
  });
});

it('a model with appended KV cannot be forced into right-aligned rows', async () => {
  const dir = await appended('forced-right', await ensureTinyModel('llama'));
  await expect(ModelSession.open(dir, { batching: { forceRowAlignment: 'right' } })).rejects.toThrow(
    'its KV outputs hold new positions only, which the engine appends after left-aligned rows, but Attention needs right-aligned rows',
  );
});

it('answers as the original up to the end of the context (room is dropped, never passed)', async () => {
  const original = await ensureTinyModel('llama');
  const dir = await appended('context-end', original);
  const before = await start(original, { prefixCaching: false });
  const after = await start(dir, { prefixCaching: false });
  const context = before.model.contextLength;
  // Ends at the last position: prompt + 24 tokens = context length.
  const prompts = [Array.from({ length: context - 24 }, (_, i) => (i * 13 + 1) % 800)];
  const run = async (engine: Engine) =>
    (await Promise.all(prompts.map((p) => greedyGroup(engine, p, 24)))).map((rows) => rows[0]!);
  expectSame(await run(after), await run(before));
});

it.skipIf(!sharedFixturesDir())(
  `the Optimum GPT-2 of ../shared answers as before; the packed-KV genai one is refused (${NO_FIXTURES_MESSAGE})`,
  async () => {
    const fixtures = sharedFixturesDir()!;
    const original = join(fixtures, 'gpt2-tiny-random-optimum');
    const dir = await appended('optimum-gpt2', original);
    const before = await start(original, { prefixCaching: false });
    const after = await start(dir, { prefixCaching: false });
    expect(after.model.batching).toMatchObject({ appendKv: true, rowAlignment: 'left' });
    const alone = await aloneTraces(before);
    expectSame(await aloneTraces(after), alone);
    expect(batchDifferences(await batchedScenario(after), alone, TOLERANCE)).toEqual([]);
    const genai = join(scratch, 'genai-gpt2');
    cpSync(join(fixtures, 'gpt2-tiny-random-genai'), genai, { recursive: true });
    await expect(optimizeModel(genai, { appendKv: true })).rejects.toThrow(
      'expected 4 (packed KV is not supported)',
    );
  },
);
