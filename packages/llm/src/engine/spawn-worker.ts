import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startModuleWorker } from '@weft/framework';
import type { BatchingOptions } from '../runtime/batching-plan.js';
import type { ModelSource } from '../runtime/model-source.js';
import { EngineWorkerError } from './engine-errors.js';
import type { EngineEvent, EngineModelInfo, EngineWorkerData } from './protocol.js';

export interface SpawnedWorker {
  readonly worker: Worker;
  /** Commands go here (the worker reads it synchronously). */
  readonly port: MessagePort;
  /** Counter bumped after each command so the sleeping worker wakes. */
  readonly wake: Int32Array;
  readonly model: EngineModelInfo;
}

/**
 * Starts the engine worker and waits until its session is open. A worker-side failure (e.g. a
 * corrupt ONNX file) rejects with an `EngineWorkerError` carrying the worker error's code.
 */
export async function spawnEngineWorker(
  source: ModelSource,
  options: {
    threads: number | undefined;
    maxNumBatchedTokens: number;
    readyWaitMs: number;
    batching: BatchingOptions;
  },
): Promise<SpawnedWorker> {
  const wake = new SharedArrayBuffer(4);
  const channel = new MessageChannel();
  const data: EngineWorkerData & { port: MessagePort } = { source, ...options, wake, port: channel.port2 };
  const worker = startModuleWorker(import.meta.url, 'engine-worker', {
    workerData: data,
    transferList: [channel.port2],
  });
  try {
    const model = await new Promise<EngineModelInfo>((resolve, reject) => {
      const onMessage = (event: EngineEvent) => {
        if (event.type === 'ready') resolve(event.model);
        else if (event.type === 'fatal') reject(new EngineWorkerError(event.message, event));
        else return;
        cleanup();
      };
      const onError = (err: Error) => {
        cleanup();
        reject(new EngineWorkerError(err.message));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new EngineWorkerError(`worker exited with code ${code} before the model was ready`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    return { worker, port: channel.port1, wake: new Int32Array(wake), model };
  } catch (err) {
    await worker.terminate();
    channel.port1.close();
    throw err;
  }
}
