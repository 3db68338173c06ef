import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureExtraction, OpenAIEmbeddings } from './helpers/clients.js';
import { startDefaultGraphs } from './helpers/graph-server.js';
import { BadRequestError, OpenAI } from './helpers/openai.js';

let server: Awaited<ReturnType<typeof startDefaultGraphs>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startDefaultGraphs({ llama: true, embed: true });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
});
afterAll(() => server?.stop());

const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', 'a'];
const maxDiff = (a: readonly number[], b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
};
const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('/v1/embeddings with the official openai client', () => {
  it('float and base64 give the same unit vectors, with usage', async () => {
    const float = await client.embeddings.create({
      model: 'tiny-embed',
      input: TEXTS,
      encoding_format: 'float',
    });
    // Without encoding_format the client asks for base64 and decodes it.
    const base64 = await client.embeddings.create({ model: 'tiny-embed', input: TEXTS });
    expect(float.object).toBe('list');
    expect(float.model).toBe('tiny-embed');
    expect(float.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(float.usage.prompt_tokens).toBeGreaterThan(TEXTS.length);
    expect(float.usage.total_tokens).toBe(float.usage.prompt_tokens);
    for (const [i, item] of float.data.entries()) {
      expect(item.object).toBe('embedding');
      expect(item.embedding).toHaveLength(64);
      expect(norm(item.embedding)).toBeCloseTo(1, 5);
      expect(base64.data[i]!.embedding).toEqual(item.embedding.map((x) => Math.fround(x)));
    }
  });

  it('served vectors equal transformers.js feature-extraction (mean pooling, normalize) to 1e-5', async () => {
    const extract = await featureExtraction(server.embedModelDir);
    const reference = (await extract(TEXTS, { pooling: 'mean', normalize: true })).tolist();
    const served = await client.embeddings.create({
      model: 'tiny-embed',
      input: TEXTS,
      encoding_format: 'float',
    });
    for (const [i, item] of served.data.entries())
      expect(maxDiff(item.embedding, reference[i]!)).toBeLessThan(1e-5);
  });

  it('dimensions truncates, then re-normalizes (transformers.js unnormalized, cut, normalized)', async () => {
    const extract = await featureExtraction(server.embedModelDir);
    const full = (await extract([TEXTS[1]!], { pooling: 'mean', normalize: false })).tolist()[0]!;
    const cut = full.slice(0, 8);
    const expected = cut.map((x) => x / norm(cut));
    const served = await client.embeddings.create({
      model: 'tiny-embed',
      input: TEXTS[1]!,
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(served.data[0]!.embedding).toHaveLength(8);
    expect(maxDiff(served.data[0]!.embedding, expected)).toBeLessThan(1e-5);
  });

  it('a text alone, inside a batch, and in concurrent requests gives the same vector (1e-5)', async () => {
    const alone = (
      await client.embeddings.create({ model: 'tiny-embed', input: TEXTS[0]!, encoding_format: 'float' })
    ).data[0]!.embedding;
    const inBatch = await client.embeddings.create({
      model: 'tiny-embed',
      input: [TEXTS[1]!, TEXTS[0]!, 'x y z'],
      encoding_format: 'float',
    });
    expect(maxDiff(inBatch.data[1]!.embedding, alone)).toBeLessThan(1e-5);
    const concurrent = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        client.embeddings.create({
          model: 'tiny-embed',
          input: i % 2 ? TEXTS[0]! : `${TEXTS[1]} ${i}`,
          encoding_format: 'float',
        }),
      ),
    );
    for (const [i, r] of concurrent.entries())
      if (i % 2) expect(maxDiff(r.data[0]!.embedding, alone)).toBeLessThan(1e-5);
  });

  it('token ids and arrays of token ids embed like the text they encode', async () => {
    const tokens = (await (await post('/v3/tokenize', { model: 'tiny-embed', prompt: TEXTS[0] })).json()) as {
      tokens: number[];
    };
    const byText = (
      await client.embeddings.create({ model: 'tiny-embed', input: TEXTS[0]!, encoding_format: 'float' })
    ).data[0]!.embedding;
    const byIds = await client.embeddings.create({
      model: 'tiny-embed',
      input: tokens.tokens,
      encoding_format: 'float',
    });
    const byIdArrays = await client.embeddings.create({
      model: 'tiny-embed',
      input: [tokens.tokens, tokens.tokens],
      encoding_format: 'float',
    });
    expect(byIds.usage.prompt_tokens).toBe(tokens.tokens.length);
    expect(maxDiff(byIds.data[0]!.embedding, byText)).toBeLessThan(1e-6);
    expect(byIdArrays.data).toHaveLength(2);
    expect(maxDiff(byIdArrays.data[1]!.embedding, byText)).toBeLessThan(1e-5);
  });

  it('refuses empty and over-long input with param "input" and the numbers', async () => {
    const cases: [unknown, RegExp][] = [
      ['', /^400 Invalid 'input': it is empty/],
      [[], /^400 Invalid 'input': the array is empty/],
      [['ok', ''], /^400 Invalid 'input\[1\]': it is empty/],
      [[[1, 2], []], /^400 Invalid 'input\[1\]': it is empty/],
      [
        'word '.repeat(300),
        /^400 Invalid 'input': \d{3} tokens, but this model takes at most 128 tokens per input/,
      ],
      [[5, 100000], /token id 100000 at position 1 is outside the vocabulary \[0, 838\)/],
    ];
    for (const [input, message] of cases) {
      const error = await client.embeddings
        .create({ model: 'tiny-embed', input: input as string })
        .catch((e) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(BadRequestError);
      expect(error.param).toBe('input');
      expect(error.message).toMatch(message);
    }
    const big = await client.embeddings
      .create({ model: 'tiny-embed', input: 'x', dimensions: 65 })
      .catch((e) => e);
    expect(big.param).toBe('dimensions');
    expect(big.message).toContain("Invalid 'dimensions': 65 is more than this model's 64");
  });

  it('a model of the other task is refused with param "model"; /v3/models says what each model is', async () => {
    const wrong = await post('/v1/embeddings', { model: 'tiny-llama', input: 'x' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { param: string; message: string } }).error).toMatchObject({
      param: 'model',
      message: expect.stringContaining('"tiny-llama" is a text-generation model'),
    });
    const chat = await post('/v1/chat/completions', {
      model: 'tiny-embed',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(chat.status).toBe(400);
    const models = (await (await fetch(`${server.url}/v3/models`)).json()) as {
      data: Record<string, unknown>[];
    };
    expect(models.data.find((m) => m.id === 'tiny-embed')).toMatchObject({
      object: 'model',
      task: 'embedding',
      dimensions: 64,
      max_input_tokens: 128,
      pooling: 'mean',
    });
    expect(models.data.find((m) => m.id === 'tiny-llama')).toMatchObject({ task: 'text-generation' });
  });
});

describe('LangChain OpenAIEmbeddings', () => {
  it('embedQuery and embedDocuments return the served vectors', async () => {
    const embeddings = new OpenAIEmbeddings({
      model: 'tiny-embed',
      apiKey: 'none',
      configuration: { baseURL: `${server.url}/v1` },
      maxRetries: 0,
    });
    const query = await embeddings.embedQuery(TEXTS[0]!);
    const docs = await embeddings.embedDocuments(TEXTS);
    const served = await client.embeddings.create({
      model: 'tiny-embed',
      input: TEXTS,
      encoding_format: 'float',
    });
    expect(docs).toHaveLength(3);
    expect(maxDiff(query, served.data[0]!.embedding)).toBeLessThan(1e-6);
    for (const [i, doc] of docs.entries()) expect(maxDiff(doc, served.data[i]!.embedding)).toBeLessThan(1e-6);
  });
});

describe('/metrics for embeddings', () => {
  /** Every sample of the text exposition whose name and labels match, by its label set. */
  async function samples(name: string): Promise<Map<string, number>> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (m?.[1] === name) out.set(m[2] ?? '', Number(m[3]));
    }
    return out;
  }
  const one = async (name: string, labels: string) => (await samples(name)).get(labels) ?? 0;
  const M = '{model="tiny-embed"}';

  it('counts runs, inputs (rows), batches and batch sizes of the session, and the tokens and requests', async () => {
    const names = [
      'weft_onnx_session_runs_total',
      'weft_onnx_session_rows_total',
      'weft_onnx_session_batches_total',
      'weft_onnx_session_batch_rows_count',
      'weft_onnx_session_batch_rows_sum',
      'weft_prompt_tokens_total',
    ];
    const before = await Promise.all(names.map((n) => one(n, M)));
    const requestsBefore = await one(
      'weft_requests_total',
      '{model="tiny-embed",endpoint="embeddings",status="200"}',
    );
    const inputs = Array.from({ length: 16 }, (_, i) =>
      i % 4 === 0 ? [TEXTS[0]!, `${i}`] : `${TEXTS[1]} ${i}`,
    );
    const responses = await Promise.all(
      inputs.map((input) =>
        client.embeddings.create({ model: 'tiny-embed', input, encoding_format: 'float' }),
      ),
    );
    const after = await Promise.all(names.map((n) => one(n, M)));
    const [runs, rows, batches, count, sum, tokens] = after.map((v, i) => v - before[i]!);
    expect(runs).toBe(16);
    expect(rows).toBe(inputs.flat().length);
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(16); // concurrent requests shared session.run calls
    expect(count).toBe(batches);
    expect(sum).toBe(rows);
    expect(tokens).toBe(responses.reduce((s, r) => s + r.usage.prompt_tokens, 0));
    expect(
      (await one('weft_requests_total', '{model="tiny-embed",endpoint="embeddings",status="200"}')) -
        requestsBefore,
    ).toBe(16);
    const buckets = await samples('weft_onnx_session_batch_rows_bucket');
    expect(buckets.get('{le="1",model="tiny-embed"}')).toBeLessThanOrEqual(
      buckets.get('{le="2",model="tiny-embed"}')!,
    );
    expect(buckets.get('{le="+Inf",model="tiny-embed"}')).toBe(
      await one('weft_onnx_session_batches_total', M),
    );
    expect(await one('weft_onnx_session_queue_length', M)).toBe(0);
    // Graphs without a session (the LLM) have no session series.
    expect((await samples('weft_onnx_session_runs_total')).has('{model="tiny-llama"}')).toBe(false);
  });
});
