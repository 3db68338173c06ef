import { Engine, EngineUnavailableError, EngineWorkerError } from '@weft/llm';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function greedy(e: Engine, prompt: number[], steps: number): Promise<number[]> {
  const group = e.submit(prompt);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const { logits } = await group.next();
    let best = 0;
    for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
    out.push(best);
    if (i + 1 < steps) group.append([best]);
  }
  group.finish();
  return out;
}

describe('engine supervision', () => {
  it('a killed worker fails the running group (WEFT_ERR_ENGINE_WORKER), restarts, and runs the queued group on the new worker', async () => {
    const dir = await ensureTinyModel('llama');
    engine = await Engine.start(dir, { threads: 1, maxNumSeqs: 1 });
    const expected = await greedy(engine, [5, 6, 7], 4);

    const running = engine.submit([1, 2, 3]);
    await running.next();
    running.append([4]);
    const pending = running.next().catch((e: unknown) => e);
    const queued = engine.submit([5, 6, 7]);
    expect(queued.state).toBe('queued');
    await engine.killWorker();

    const err = await pending;
    expect(err).toBeInstanceOf(EngineWorkerError);
    expect(err).toMatchObject({ code: 'WEFT_ERR_ENGINE_WORKER' });
    expect((err as Error).message).toMatch(/^engine worker failed: worker exited with code 1/);
    expect(engine.status()).toMatchObject({ state: 'restarting', restarts: 0 });
    expect(engine.status().lastError).toMatchObject({ code: 'WEFT_ERR_ENGINE_WORKER' });

    // The queued group runs on the new worker and gives the tokens a healthy engine gives.
    const tokens: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { logits } = await queued.next();
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
      tokens.push(best);
      if (i < 3) queued.append([best]);
    }
    queued.finish();
    expect(tokens).toEqual(expected);
    expect(engine.status()).toMatchObject({ state: 'ready', restarts: 1 });
    expect(await greedy(engine, [5, 6, 7], 4)).toEqual(expected);
    expect(engine.metrics()).toMatchObject({ queued: 0, running: 0, runningGroups: 0, kvCacheUsedTokens: 0 });
  });

  it('past the restart budget the engine fails: queued groups and new submissions get WEFT_ERR_ENGINE_UNAVAILABLE', async () => {
    const dir = await ensureTinyModel('llama');
    engine = await Engine.start(dir, { threads: 1, maxNumSeqs: 1, maxRestarts: 0 });
    const running = engine.submit([1, 2, 3]);
    await running.next();
    const queued = engine
      .submit([4])
      .next()
      .catch((e: unknown) => e);
    await engine.killWorker();
    const err = await queued;
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err).toMatchObject({ code: 'WEFT_ERR_ENGINE_UNAVAILABLE' });
    expect((err as Error).message).toBe(
      'the engine is not serving: its worker died 1 times within 60000 ms (last: engine worker failed: worker exited with code 1); reload the graph (or restart the server) once the cause is fixed',
    );
    expect(engine.status()).toMatchObject({ state: 'failed', restarts: 0 });
    expect(() => engine!.submit([1])).toThrow(EngineUnavailableError);
    expect(() => running.append([1])).toThrow(EngineWorkerError);
  });
});
