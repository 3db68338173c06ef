import { Engine, EngineClosedError, loadModelInfo, ModelDirError } from '@weft/llm';
import { describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

describe('engine lifecycle', () => {
  it('close() fails pending and queued groups with EngineClosedError, then refuses submissions', async () => {
    const dir = await ensureTinyModel('gpt2');
    const engine = await Engine.start(dir, { threads: 1, maxNumSeqs: 1 });
    const info = loadModelInfo(dir);
    expect(engine.model).toMatchObject({
      kvDtype: 'float32',
      eosTokenIds: info.eosTokenIds,
      vocabSize: info.vocabSize,
      contextLength: info.contextLength,
      numLayers: info.numLayers,
      kvHeads: info.numKvHeads,
      headSize: info.headDim,
    });
    const running = engine.submit([1, 2, 3]);
    await running.next();
    running.append([4]);
    const pending = running.next();
    const queued = engine.submit([5, 6]);
    expect(queued.state).toBe('queued');
    const queuedNext = queued.next();
    const outcomes = Promise.all([pending.catch((e: unknown) => e), queuedNext.catch((e: unknown) => e)]);
    await engine.close();
    const [a, b] = await outcomes;
    expect(a).toBeInstanceOf(EngineClosedError);
    expect(b).toMatchObject({ code: 'WEFT_ERR_ENGINE_CLOSED', name: 'EngineClosedError' });
    expect(() => engine.submit([1])).toThrow(EngineClosedError);
    expect(engine.metrics()).toMatchObject({ queued: 0, running: 0, runningGroups: 0, kvCacheUsedTokens: 0 });
    await engine.close();
  });

  it('a directory that is not a model fails start() with the model package error', async () => {
    await expect(Engine.start('/no/such/model/dir')).rejects.toBeInstanceOf(ModelDirError);
  });

  it('rejects bad options before starting a worker', async () => {
    await expect(Engine.start('/unused', { maxNumSeqs: 0 })).rejects.toThrow(
      'engine option maxNumSeqs = 0 must be an integer ≥ 1',
    );
  });
});
