import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import type { ConstraintSpec } from './constraint-spec.js';
import { GrammarEngine, type GrammarEngineOptions } from './grammar-engine.js';

// The compile gate's worker: compiles each spec exactly as the main thread would, and reports.
const { tokenizerFile, options } = workerData as { tokenizerFile: string; options: GrammarEngineOptions };
const engine = GrammarEngine.create(Tokenizer.load(tokenizerFile), { ...options, cacheSize: 1 });
// Deadlines start once the vocabulary is processed: start-up is not a grammar's cost.
void engine.then(() => parentPort!.postMessage({ ready: true }));

// XGrammar prints an abort's reason on stderr. A worker's stderr reaches the main thread as a stream,
// possibly after the failure message; so the text is also kept here and sent with the failure.
let printed = '';
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  printed = (printed + String(chunk)).slice(-2000);
  return write(chunk, ...rest);
}) as typeof process.stderr.write;

parentPort!.on('message', async ({ id, spec }: { id: number; spec: ConstraintSpec }) => {
  printed = '';
  try {
    await (await engine).compile(spec);
    parentPort!.postMessage({ id, ok: true });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    parentPort!.postMessage({ id, ok: false, message, stderr: printed });
  }
});
