/**
 * A bench side in its own process (started with the malloc settings, like `weft serve`), so it
 * competes with nothing of the bench's own isolate: `--side bare` is the bare `session.run` loop
 * (onnxruntime's defaults; `bare-no-spin` the same without intra-op spin-waiting),
 * `--side transformers.js` is transformers.js `generate` (one call per stream, concurrently, as a
 * Node.js user without Weft would write it). Answers `{prompt, streams, tokens}` messages over IPC
 * with generated tokens/s, timed over prefill plus decode.
 *
 *   fork('bench/side-process.ts', ['--side', 'bare', '--model', DIR, '--threads', '2'])
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ModelSession } from '../packages/llm/dist/index.js';
import { bareLoopRate } from './bare-loop.js';
import { type BenchCase, benchPrompt, timedStreams } from './bench-matrix.js';
import { repo } from './bench-setup.js';

const { values } = parseArgs({
  options: { side: { type: 'string' }, model: { type: 'string' }, threads: { type: 'string' } },
});
const dir = values.model!;
const threads = Number(values.threads);

async function openBare(spinning: boolean): Promise<(c: BenchCase, tokens: number) => Promise<number>> {
  const session = await ModelSession.open(dir, { threads, spinning });
  return (c, tokens) =>
    bareLoopRate(
      session,
      Array.from({ length: c.streams }, (_, s) => benchPrompt(session.vocabSize, c.prompt, s)),
      tokens,
    );
}

async function openTransformers(): Promise<(c: BenchCase, tokens: number) => Promise<number>> {
  // A dev dependency of @weft/llm, resolved from there (the root does not depend on it).
  const require = createRequire(join(repo, 'packages', 'llm', 'package.json'));
  const tf: any = await import(pathToFileURL(require.resolve('@huggingface/transformers')).href);
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = dirname(dir);
  const model = await tf.AutoModelForCausalLM.from_pretrained(basename(dir), {
    dtype: 'fp32',
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
  const vocab: number = model.config.vocab_size;
  return (c, tokens) =>
    timedStreams(c, tokens, async (s) => {
      const prompt = benchPrompt(vocab, c.prompt, s);
      await model.generate({
        input_ids: new tf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]),
        attention_mask: new tf.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]),
        max_new_tokens: tokens,
        min_new_tokens: tokens,
        do_sample: false,
      });
    });
}

const rate =
  values.side === 'transformers.js'
    ? await openTransformers()
    : await openBare(values.side !== 'bare-no-spin');
process.on('message', async (job: BenchCase & { tokens: number }) => {
  process.send!(await rate(job, job.tokens));
});
process.send!('ready');
