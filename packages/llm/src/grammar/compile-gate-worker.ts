import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import type { ConstraintSpec } from './constraint-spec.js';
import { GrammarEngine, type GrammarEngineOptions } from './grammar-engine.js';

// The compile gate's worker: compiles each spec exactly as the main thread would, and reports.
const { tokenizerFile, options } = workerData as { tokenizerFile: string; options: GrammarEngineOptions };
const engine = GrammarEngine.create(Tokenizer.load(tokenizerFile), { ...options, cacheSize: 1 });
// Deadlines start once the vocabulary is processed: start-up is not a grammar's cost.
void engine.then(() => parentPort!.postMessage({ ready: true }));

parentPort!.on('message', async ({ id, spec }: { id: number; spec: ConstraintSpec }) => {
  try {
    await (await engine).compile(spec);
    parentPort!.postMessage({ id, ok: true });
  } catch (error) {
    parentPort!.postMessage({ id, ok: false, message: (error as Error).message ?? String(error) });
  }
});
