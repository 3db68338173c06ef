import { Engine, EngineQueueFullError, SequenceGroupStateError } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

// Admission: seats (maxNumSeqs), the KV budget, the FIFO queue and its limit, cancellation.

describe('engine admission and cancellation', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.start(await ensureTinyModel('llama'), {
      threads: 1,
      maxNumSeqs: 2,
      kvCacheTokens: 100,
      maxQueued: 2,
    });
  });
  afterAll(async () => engine.close());

  it('queues beyond maxNumSeqs in FIFO order, refuses beyond maxQueued, admits as seats free', async () => {
    const a = engine.submit([1, 2, 3], { maxTokens: 4 });
    const b = engine.submit([4, 5], { maxTokens: 4 });
    const c = engine.submit([6], { maxTokens: 4 });
    const d = engine.submit([7], { maxTokens: 4 });
    expect(engine.metrics()).toMatchObject({ queued: 2, running: 2, runningGroups: 2 });
    expect(() => engine.submit([8])).toThrow(EngineQueueFullError);
    try {
      engine.submit([8]);
    } catch (err) {
      expect(err).toMatchObject({ code: 'WEFT_ERR_ENGINE_QUEUE_FULL', maxQueued: 2 });
      expect((err as Error).message).toContain('maxQueued = 2');
    }
    await a.next();
    expect(c.state).toBe('queued');
    a.finish();
    expect(c.state).toBe('running');
    expect(d.state).toBe('queued');
    expect(engine.metrics()).toMatchObject({ queued: 1, running: 2 });
    await c.next();
    b.finish();
    c.finish();
    expect(d.state).toBe('running');
    d.finish();
    expect(engine.metrics()).toMatchObject({ queued: 0, running: 0, runningGroups: 0, kvCacheUsedTokens: 0 });
  });

  it('queues when the KV budget is reserved, even with a free seat', async () => {
    const big = engine.submit(new Array(50).fill(9), { maxTokens: 40 }); // reserves 90 of 100
    const small = engine.submit([1, 2], { maxTokens: 20 }); // 22 more would exceed 100
    expect(small.state).toBe('queued');
    expect(engine.metrics()).toMatchObject({ running: 1, queued: 1, kvCacheUsedTokens: 50 });
    await big.next();
    big.finish();
    expect(small.state).toBe('running');
    small.finish();
  });

  it('aborting a running group rejects its pending next() with the reason and frees the slot', async () => {
    const controller = new AbortController();
    const group = engine.submit([1, 2, 3, 4], { signal: controller.signal });
    const first = await group.next();
    expect(first.rows).toBe(1);
    group.append([5]);
    const pending = group.next();
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    expect(group.finished).toBe(true);
    expect(engine.metrics()).toMatchObject({ running: 0, runningGroups: 0, kvCacheUsedTokens: 0, queued: 0 });
    expect(() => group.append([1])).toThrow('client went away');
    // The engine still serves: a new group gets the same first step as before.
    const again = engine.submit([1, 2, 3, 4]);
    const step = await again.next();
    expect(Array.from(step.logits)).toEqual(Array.from(first.logits));
    again.finish();
  });

  it('aborting a queued group removes it from the queue', async () => {
    const a = engine.submit([1], { maxTokens: 1 });
    const b = engine.submit([2], { maxTokens: 1 });
    const controller = new AbortController();
    const c = engine.submit([3], { signal: controller.signal });
    expect(engine.metrics().queued).toBe(1);
    controller.abort();
    expect(engine.metrics().queued).toBe(0);
    await expect(c.next()).rejects.toMatchObject({ name: 'AbortError' });
    a.finish();
    b.finish();
    expect(engine.metrics()).toMatchObject({ queued: 0, running: 0 });
  });

  it('enforces the next → append rhythm', async () => {
    const group = engine.submit([1, 2]);
    expect(() => group.append([3])).toThrow(SequenceGroupStateError);
    await group.next();
    await expect(group.next()).rejects.toThrow('next() called again before append()');
    expect(() => group.append([3, 4])).toThrow('got 2 tokens for 1 rows');
    expect(() => group.append([engine.model.vocabSize])).toThrow(/outside the model's vocabulary/);
    group.append([3]);
    expect(() => group.append([3])).toThrow('append() must follow a resolved next()');
    group.finish();
    await expect(group.next()).rejects.toThrow('is finished');
  });

  it('refuses prompts that cannot run: ids beyond the vocab, longer than the context, n beyond maxNumSeqs', () => {
    expect(() => engine.submit([engine.model.vocabSize])).toThrow(/WEFT_ERR|outside the model's vocabulary/);
    expect(() => engine.submit(new Array(engine.model.contextLength + 1).fill(1))).toThrow(
      `prompt of ${engine.model.contextLength + 1} tokens exceeds the model's context length of ${engine.model.contextLength} tokens`,
    );
    expect(() => engine.submit([1], { n: 3 })).toThrow('n = 3 must be an integer in 1..maxNumSeqs (2)');
    expect(engine.metrics()).toMatchObject({ queued: 0, running: 0 });
  });
});
