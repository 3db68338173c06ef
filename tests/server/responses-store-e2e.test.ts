import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ai, createOpenAI, z } from './helpers/clients.js';
import { startDefaultGraphs } from './helpers/graph-server.js';
import { BadRequestError, NotFoundError, OpenAI } from './helpers/openai.js';

// The response store of graphs/tiny-llama.yaml (ResponseStoreCalculator): previous_response_id,
// item_reference, GET and DELETE /v1/responses/{id}, with the real clients.
let server: Awaited<ReturnType<typeof startDefaultGraphs>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startDefaultGraphs({ llama: true, embed: false });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
});
afterAll(() => server?.stop());

const base = { model: 'tiny-llama', temperature: 0 } as const;
const stored = (r: object) => (r as { store: boolean }).store;

/**
 * Continues `previousId` with `text`, and sends `history` + `text` whole (store: false): both must
 * see the same prompt tokens and give the same greedy text. Returns the continued response.
 */
async function continuedAsWhole(previousId: string, history: unknown[], text: string) {
  const next = await client.responses.create({
    ...base,
    previous_response_id: previousId,
    input: text,
    max_output_tokens: 4,
  });
  const whole = await client.responses.create({
    ...base,
    store: false,
    input: [...history, { role: 'user', content: text }],
    max_output_tokens: 4,
  } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
  expect(next.usage!.input_tokens).toBe(whole.usage!.input_tokens);
  expect(next.output_text).toBe(whole.output_text);
  return next;
}

describe('stored responses with the openai client', () => {
  it('previous_response_id continues the stored conversation, without its instructions', async () => {
    const first = await client.responses.create({
      ...base,
      instructions: 'Answer briefly.',
      input: 'Hello there',
      max_output_tokens: 6,
    });
    expect(stored(first)).toBe(true);
    const next = await continuedAsWhole(
      first.id,
      [{ role: 'user', content: 'Hello there' }, ...first.output],
      'And then?',
    );
    expect(next.previous_response_id).toBe(first.id);
    expect(next.instructions).toBeNull();
    // A chain of two links: the second response's conversation includes the first one's.
    await continuedAsWhole(
      next.id,
      [
        { role: 'user', content: 'Hello there' },
        ...first.output,
        { role: 'user', content: 'And then?' },
        ...next.output,
      ],
      'Thanks',
    );
  });

  it('item_reference stands for the stored item it names', async () => {
    const first = await client.responses.create({ ...base, input: 'Hi', max_output_tokens: 4 });
    const byReference = await client.responses.create({
      ...base,
      input: [
        { role: 'user', content: 'Hi' },
        { type: 'item_reference', id: first.output[0]!.id! },
        { role: 'user', content: 'More' },
      ],
      max_output_tokens: 3,
    });
    const byValue = await client.responses.create({
      ...base,
      store: false,
      input: [{ role: 'user', content: 'Hi' }, ...first.output, { role: 'user', content: 'More' }],
      max_output_tokens: 3,
    } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(byReference.usage!.input_tokens).toBe(byValue.usage!.input_tokens);
    expect(byReference.output_text).toBe(byValue.output_text);
  });

  it('retrieve returns the stored object (streamed ones too); delete removes it; then 404', async () => {
    const created = await client.responses.create({ ...base, input: 'Hello', max_output_tokens: 4 });
    expect(await client.responses.retrieve(created.id)).toEqual(created);
    const stream = await client.responses.create({
      ...base,
      input: 'Hi',
      max_output_tokens: 3,
      stream: true,
    });
    let streamed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === 'response.incomplete') streamed = event.response;
    // The client adds `output_text` to a retrieved response, not to a stream event's.
    expect(await client.responses.retrieve(streamed!.id)).toMatchObject(streamed!);

    const deleted = await client.responses.delete(created.id);
    expect(deleted as unknown).toEqual({ id: created.id, object: 'response.deleted', deleted: true });
    const gone = await client.responses.retrieve(created.id).catch((e) => e);
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(gone.error).toMatchObject({ type: 'invalid_request_error', param: null });
    expect(gone.message).toContain(`Response with id '${created.id}' not found.`);
    expect(await client.responses.delete(created.id).catch((e) => e)).toBeInstanceOf(NotFoundError);
    const continued = await client.responses
      .create({ ...base, previous_response_id: created.id, input: 'x', max_output_tokens: 2 })
      .catch((e) => e);
    expect(continued).toBeInstanceOf(BadRequestError);
    expect(continued.error).toMatchObject({
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  });

  it('store: false responses are not kept', async () => {
    const unstored = await client.responses.create({
      ...base,
      input: 'Hi',
      max_output_tokens: 3,
      store: false,
    });
    expect(stored(unstored)).toBe(false);
    expect(await client.responses.retrieve(unstored.id).catch((e) => e)).toBeInstanceOf(NotFoundError);
    const reference = await client.responses
      .create({
        ...base,
        input: [{ type: 'item_reference', id: unstored.output[0]!.id! }],
        max_output_tokens: 2,
      })
      .catch((e) => e);
    expect(reference).toBeInstanceOf(BadRequestError);
    expect(reference.error).toMatchObject({ param: 'input[0].id', code: 'item_not_found' });
  });
});

describe('Vercel AI SDK default OpenAI provider (store: true by default)', () => {
  it('a multi-step tool loop after an earlier answer sends item_references, and both steps complete', async () => {
    const model = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none' })('tiny-llama');
    const first = await ai.generateText({ model, prompt: 'Hi', maxOutputTokens: 4, temperature: 0 });
    const messages = [{ role: 'user' as const, content: 'Hi' }, ...first.response.messages];
    messages.push({ role: 'user', content: 'Weather in Paris?' } as never);
    const result = await ai.generateText({
      model,
      messages,
      temperature: 0,
      maxOutputTokens: 200,
      tools: {
        get_weather: ai.tool({
          description: 'Weather by city',
          inputSchema: z.object({ city: z.string().max(8) }),
          execute: async ({ city }: { city: string }) => ({ city, temperature: 21 }),
        }),
      },
      toolChoice: 'required',
      providerOptions: { openai: { parallelToolCalls: false } },
      prepareStep: ({ stepNumber }) => (stepNumber === 1 ? { toolChoice: 'none' } : {}),
      stopWhen: ai.stepCountIs(2),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls).toHaveLength(1);
    expect(result.steps[1]!.toolCalls).toEqual([]); // toolChoice 'none': text
    expect(result.steps[1]!.usage.inputTokens).toBeGreaterThan(result.steps[0]!.usage.inputTokens!);
    const sent = (step: number) =>
      result.steps[step]!.request.body as { input: { type?: string; id?: string }[] };
    const earlierId = (
      first.response.messages[0]!.content as { providerOptions?: { openai?: { itemId?: string } } }[]
    )[0]!.providerOptions?.openai?.itemId;
    expect(earlierId).toMatch(/^msg_/);
    for (const step of [0, 1]) {
      expect(sent(step).input).toContainEqual({ type: 'item_reference', id: earlierId });
    }
  });
});

describe('GET /v1/responses/{id}/input_items', () => {
  const itemsOf = (r: { data: object[] }) =>
    r.data.map((i) => {
      const item = i as { type: string; role?: string; content?: { text: string }[]; id: string };
      return `${item.role ?? item.type}: ${item.content?.map((p) => p.text).join('') ?? ''}`;
    });

  it('lists the conversation a response was made from, newest first, a page at a time', async () => {
    const first = await client.responses.create({ ...base, input: 'Hello there', max_output_tokens: 3 });
    const answer = first.output_text;
    const next = await client.responses.create({
      ...base,
      previous_response_id: first.id,
      instructions: 'Not an input item.',
      input: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'input_text', text: 'And then?' }] },
        { role: 'assistant', content: 'Well.' },
      ],
      max_output_tokens: 2,
    });
    const all: OpenAI.Responses.ResponseItem[] = [];
    for await (const item of client.responses.inputItems.list(next.id, { limit: 2 })) all.push(item);
    expect(itemsOf({ data: all })).toEqual([
      'assistant: Well.',
      'user: And then?',
      'developer: Be brief.',
      `assistant: ${answer}`,
      'user: Hello there',
    ]);
    expect(all[3]).toEqual(first.output[0]);
    expect(all[4]).toEqual({
      id: expect.stringMatching(/^msg_[0-9a-f]{48}$/),
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_text', text: 'Hello there' }],
    });
    // The first response lists its one input item with the same id: it is the same item.
    const own = await client.responses.inputItems.list(first.id);
    expect(own.data).toEqual([all[4]]);

    // The pages as sent: limit, order, after, first_id/last_id/has_more.
    const page = async (query: string) =>
      (await fetch(`${server.url}/v3/responses/${next.id}/input_items${query}`)).json() as Promise<{
        object: string;
        data: { id: string }[];
        first_id: string | null;
        last_id: string | null;
        has_more: boolean;
      }>;
    const ids = all.map((i) => (i as { id: string }).id);
    expect(await page('?limit=2')).toEqual({
      object: 'list',
      data: all.slice(0, 2),
      first_id: ids[0],
      last_id: ids[1],
      has_more: true,
    });
    const asc = await page(`?order=asc&limit=3&after=${ids[4]}`);
    expect([asc.data.map((i) => i.id), asc.first_id, asc.last_id, asc.has_more]).toEqual([
      [ids[3], ids[2], ids[1]],
      ids[3],
      ids[1],
      true,
    ]);
    expect(await page(`?order=asc&after=${ids[0]}`)).toEqual({
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
    expect((await page('')).data).toHaveLength(5);
  });

  it('answers 404 for an unknown id and 400 naming the parameter for a bad query', async () => {
    const missing = await client.responses.inputItems.list('resp_unknown').catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found', param: null });
    expect(missing.message).toContain("Response with id 'resp_unknown' not found.");

    const created = await client.responses.create({ ...base, input: 'Hi', max_output_tokens: 2 });
    const bad = async (query: object) =>
      (await client.responses.inputItems.list(created.id, query as never).catch((e) => e)) as {
        status: number;
        error: { param: string; code: string };
      };
    expect(await bad({ limit: 0 })).toMatchObject({
      status: 400,
      error: { param: 'limit', code: 'invalid_value' },
    });
    expect(await bad({ limit: 101 })).toMatchObject({ error: { param: 'limit' } });
    expect(await bad({ order: 'sideways' })).toMatchObject({
      error: { param: 'order', code: 'invalid_value' },
    });
    expect(await bad({ after: 'msg_nope' })).toMatchObject({
      error: { param: 'after', code: 'invalid_value' },
    });
    expect(await bad({ include: ['message.input_image.image_url'] })).toMatchObject({
      status: 400,
      error: { param: 'include', code: 'unsupported_parameter' },
    });
    await client.responses.delete(created.id);
    expect(await client.responses.inputItems.list(created.id).catch((e) => e)).toBeInstanceOf(NotFoundError);
  });
});
