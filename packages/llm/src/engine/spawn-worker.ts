import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { awaitWorkerMessage, startModuleWorker } from '@weft/framework';
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
  /** Settles when the worker thread has exited (for any reason). */
  readonly exited: Promise<void>;
}

/** What the worker is started with besides the model and the wake-up counter. */
export type WorkerOptions = Omit<EngineWorkerData, 'source' | 'wake'>;

/**
 * Starts the engine worker and waits until its session is open. A worker-side failure (e.g. a
 * corrupt ONNX file) rejects with an `EngineWorkerError` carrying the worker error's code.
 */
export async function spawnEngineWorker(source: ModelSource, options: WorkerOptions): Promise<SpawnedWorker> {
  const wake = new SharedArrayBuffer(4);
  const channel = new MessageChannel();
  const data: EngineWorkerData & { port: MessagePort } = { source, ...options, wake, port: channel.port2 };
  const worker = startModuleWorker(import.meta.url, 'engine-worker', {
    workerData: data,
    transferList: [channel.port2],
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  try {
    const model = await awaitWorkerMessage(worker, {
      settle: (event: EngineEvent): EngineModelInfo | Error | undefined => {
        if (event.type === 'ready') return event.model;
        if (event.type === 'fatal') return new EngineWorkerError(event.message, event);
        return undefined;
      },
      onError: (err) => new EngineWorkerError(err.message),
      onExit: (code) => new EngineWorkerError(`worker exited with code ${code} before the model was ready`),
    });
    return { worker, port: channel.port1, wake: new Int32Array(wake), model, exited };
  } catch (err) {
    await worker.terminate();
    channel.port1.close();
    throw err;
  }
}
