import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureExtraction } from './helpers/clients.js';
import { startDefaultGraphs } from './helpers/graph-server.js';
import { OpenAI } from './helpers/openai.js';

// graphs/tiny-embed.yaml, unchanged, serving a decoder embedding model from the builder
// (`weft model create --task embedding --arch llama`: last-token pooling, EOS appended).
let server: Awaited<ReturnType<typeof startDefaultGraphs>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startDefaultGraphs({ embed: true, embedPooling: 'last_token' });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
});
afterAll(() => server?.stop());

const TEXTS = ['hello world', 'The quick brown fox jumps over the lazy dog.', 'a', 'hello'];
const maxDiff = (a: readonly number[], b: readonly number[]) => {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
};
const embed = async (input: string | string[], dimensions?: number) =>
  (
    await client.embeddings.create({
      model: 'tiny-embed',
      input,
      encoding_format: 'float',
      ...(dimensions && { dimensions }),
    })
  ).data.map((d) => d.embedding);

describe('a decoder embedding model (last-token pooling) served by the default embedding graph', () => {
  it('the directory declares last-token pooling; /v3/models says so', async () => {
    const models = (await (await fetch(`${server.url}/v3/models`)).json()) as {
      data: { id: string; task: string; pooling: string; normalized: boolean; dimensions: number }[];
    };
    expect(models.data.find((m) => m.id === 'tiny-embed')).toMatchObject({
      task: 'embedding',
      pooling: 'last_token',
      normalized: true,
      dimensions: 64,
    });
  });

  it("served vectors equal transformers.js feature-extraction with pooling 'last_token' (1e-5)", async () => {
    // transformers.js pads on the left (the tokenizer's padding_side) and takes the last position;
    // Weft pads on the right and takes each row's last real token.
    const extract = await featureExtraction(server.embedModelDir);
    const reference = (await extract(TEXTS, { pooling: 'last_token', normalize: true })).tolist();
    const served = await embed(TEXTS);
    for (const [i, vector] of served.entries()) expect(maxDiff(vector, reference[i]!)).toBeLessThan(1e-5);
    const unnormalized = (
      await extract([TEXTS[1]!], { pooling: 'last_token', normalize: false })
    ).tolist()[0]!;
    const cut = unnormalized.slice(0, 8);
    const length = Math.sqrt(cut.reduce((s, x) => s + x * x, 0));
    expect(
      maxDiff(
        (await embed(TEXTS[1]!, 8))[0]!,
        cut.map((x) => x / length),
      ),
    ).toBeLessThan(1e-5);
  });

  it('a text alone, in a batch and in concurrent requests gives the same vector (1e-5)', async () => {
    const batch = await embed(TEXTS);
    const alone = await Promise.all(TEXTS.map(async (t) => (await embed(t))[0]!));
    for (const [i, vector] of alone.entries()) expect(maxDiff(vector, batch[i]!)).toBeLessThan(1e-5);
    // 'hello' is a prefix of 'hello world': without the EOS the tokenizer appends, the last-token
    // vector of one would be a hidden state inside the other.
    expect(maxDiff(batch[0]!, batch[3]!)).toBeGreaterThan(1e-3);
  });

  it('the tokenizer appends <|endoftext|>, and usage counts it', async () => {
    const tokenizer = JSON.parse(await readFile(join(server.embedModelDir, 'tokenizer.json'), 'utf8')) as {
      added_tokens: { id: number; content: string }[];
    };
    const eos = tokenizer.added_tokens.find((t) => t.content === '<|endoftext|>')!.id;
    const { tokens } = (await (
      await fetch(`${server.url}/v3/tokenize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tiny-embed', prompt: 'hello world' }),
      })
    ).json()) as { tokens: number[] };
    expect(tokens.at(-1)).toBe(eos);
    expect(tokens.filter((t) => t === eos)).toHaveLength(1);
    const usage = (await client.embeddings.create({ model: 'tiny-embed', input: 'hello world' })).usage;
    expect(usage.prompt_tokens).toBe(tokens.length);
  });
});
