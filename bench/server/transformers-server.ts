/**
 * What a Node.js user would write without Weft: transformers.js `generate` behind a small express
 * handler answering OpenAI completions: `prompt` as text or token ids; with `stream: true` each new
 * token as an SSE chunk (usage in the last), otherwise one JSON body. Greedy, `max_tokens` new
 * tokens exactly (EOS ignored, like Weft's `ignore_eos`). Concurrent requests each call `generate`
 * on their own; transformers.js does not batch them.
 *
 *   node --import tsx bench/server/transformers-server.ts --model DIR [--threads 2] [--port 0]
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    threads: { type: 'string', default: '2' },
    port: { type: 'string', default: '0' },
  },
});
if (values.model === undefined) throw new Error('--model DIR is required');
const modelDir = values.model;
const threads = Number(values.threads);

// express belongs to @weft/server and transformers.js to @weft/llm; resolve each from its package.
const express = createRequire(join(repo, 'packages', 'server', 'package.json'))('express') as any;
const hfRequire = createRequire(join(repo, 'packages', 'llm', 'package.json'));
const tf: any = await import(pathToFileURL(hfRequire.resolve('@huggingface/transformers')).href);
tf.env.allowRemoteModels = false;
tf.env.localModelPath = dirname(modelDir);
const tokenizer = await tf.AutoTokenizer.from_pretrained(basename(modelDir));
const model = await tf.AutoModelForCausalLM.from_pretrained(basename(modelDir), {
  dtype: 'fp32',
  session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
});

/** Receives token ids as `generate` produces them (the prompt first, then one id per step). */
class SseStreamer extends tf.BaseStreamer {
  #skipPrompt = true;
  tokens = 0;
  constructor(private readonly onToken: (id: number) => void) {
    super();
  }
  put(value: bigint[][]): void {
    if (this.#skipPrompt) {
      this.#skipPrompt = false;
      return;
    }
    for (const id of value[0] ?? []) {
      this.tokens++;
      this.onToken(Number(id));
    }
  }
  end(): void {}
}

const app = express();
app.use(express.json());
app.post('/v1/completions', async (req: any, res: any) => {
  const {
    prompt,
    max_tokens: maxTokens = 16,
    stream = false,
  } = req.body as { prompt: string | number[]; max_tokens?: number; stream?: boolean };
  const created = Math.floor(Date.now() / 1000);
  const body = (extra: object) => ({ object: 'text_completion', created, model: 'hf', ...extra });
  const chunk = (extra: object) => `data: ${JSON.stringify(body(extra))}\n\n`;
  const { input_ids, attention_mask } =
    typeof prompt === 'string'
      ? await tokenizer(prompt)
      : {
          input_ids: new tf.Tensor('int64', BigInt64Array.from(prompt, BigInt), [1, prompt.length]),
          attention_mask: new tf.Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [
            1,
            prompt.length,
          ]),
        };
  if (stream) {
    res.setHeader('Content-Type', 'text/event-stream');
    res.flushHeaders();
  }
  const ids: number[] = [];
  const streamer = new SseStreamer((id) => {
    ids.push(id);
    if (stream)
      res.write(chunk({ choices: [{ index: 0, text: tokenizer.decode([id]), finish_reason: null }] }));
  });
  await model.generate({
    input_ids,
    attention_mask,
    max_new_tokens: maxTokens,
    min_new_tokens: maxTokens,
    do_sample: false,
    streamer,
  });
  const promptTokens = Number(input_ids.dims.at(-1));
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: streamer.tokens,
    total_tokens: promptTokens + streamer.tokens,
  };
  if (!stream) {
    res.json(body({ choices: [{ index: 0, text: tokenizer.decode(ids), finish_reason: 'length' }], usage }));
    return;
  }
  res.write(chunk({ choices: [], usage }));
  res.end('data: [DONE]\n\n');
});

const server = app.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
