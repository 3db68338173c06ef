import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer([{ name: 'echo', contextLength: 64 }], {
    apiKey: 'sk-test',
    bodyLimit: '2kb',
  });
});
afterAll(() => server.stop());

const auth = { authorization: 'Bearer sk-test' };

interface Case {
  readonly name: string;
  readonly path?: string;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

const completion = (extra: Record<string, unknown>) => ({ model: 'echo', prompt: 'hello', ...extra });
const chat = (extra: Record<string, unknown>) => ({
  model: 'echo',
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
});
const invalid = (param: string | null, code: string | null = 'invalid_value') => ({
  status: 400,
  type: 'invalid_request_error',
  param,
  code,
});

const cases: Case[] = [
  { name: 'malformed JSON', body: '{"model": "echo",', ...invalid(null, 'invalid_json') },
  { name: 'JSON array body', body: '[1,2]', ...invalid(null, 'invalid_json') },
  { name: 'JSON string body', body: '"hello"', ...invalid(null, 'invalid_json') },
  {
    name: 'wrong content type',
    body: 'model=echo',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    type: 'invalid_request_error',
    param: null,
    code: 'unsupported_media_type',
  },
  {
    name: 'body over the limit',
    body: completion({ prompt: 'x'.repeat(4000) }),
    status: 413,
    type: 'invalid_request_error',
    param: null,
    code: 'request_too_large',
  },
  { name: 'missing model', body: { prompt: 'hello' }, ...invalid('model', 'missing_model') },
  { name: 'model not a string', body: completion({ model: 7 }), ...invalid('model', 'invalid_type') },
  { name: 'model empty', body: completion({ model: '' }), ...invalid('model') },
  {
    name: 'unknown model',
    body: completion({ model: 'gpt-9' }),
    status: 404,
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  },
  {
    name: 'missing API key',
    body: completion({}),
    headers: { authorization: '' },
    status: 401,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
  {
    name: 'wrong API key',
    body: completion({}),
    headers: { authorization: 'Bearer sk-wrong' },
    status: 401,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
  { name: 'prompt wrong type', body: completion({ prompt: { text: 'x' } }), ...invalid('prompt') },
  {
    name: 'prompt too long',
    body: completion({ prompt: 'y'.repeat(60), max_tokens: 10 }),
    ...invalid('prompt', 'context_length_exceeded'),
  },
  { name: 'token id outside the vocab', body: completion({ prompt: [72, 9999] }), ...invalid('prompt') },
  { name: 'negative token id', body: completion({ prompt: [-1] }), ...invalid('prompt') },
  { name: 'max_tokens wrong type', body: completion({ max_tokens: '5' }), ...invalid('max_tokens') },
  { name: 'max_tokens out of range', body: completion({ max_tokens: 0 }), ...invalid('max_tokens') },
  { name: 'n wrong type', body: completion({ n: 1.5 }), ...invalid('n') },
  { name: 'n out of range', body: completion({ n: 5 }), ...invalid('n') },
  { name: 'stream wrong type', body: completion({ stream: 'yes' }), ...invalid('stream') },
  {
    name: 'stream_options wrong type',
    body: completion({ stream: true, stream_options: 3 }),
    ...invalid('stream_options'),
  },
  {
    name: 'include_usage wrong type',
    body: completion({ stream: true, stream_options: { include_usage: 'y' } }),
    ...invalid('stream_options.include_usage'),
  },
  { name: 'stop wrong type', body: completion({ stop: 3 }), ...invalid('stop') },
  { name: 'stop too many', body: completion({ stop: ['a', 'b', 'c', 'd', 'e'] }), ...invalid('stop') },
  { name: 'seed wrong type', body: completion({ seed: 'abc' }), ...invalid('seed') },
  { name: 'temperature wrong type', body: completion({ temperature: 'hot' }), ...invalid('temperature') },
  { name: 'temperature out of range', body: completion({ temperature: 3 }), ...invalid('temperature') },
  { name: 'logprobs out of range', body: completion({ logprobs: 9 }), ...invalid('logprobs') },
  {
    name: 'unsupported parameter',
    body: completion({ frobnicate: 1 }),
    ...invalid('frobnicate', 'unsupported_parameter'),
  },
  {
    name: 'chat messages missing',
    path: '/v3/chat/completions',
    body: { model: 'echo' },
    ...invalid('messages'),
  },
  {
    name: 'chat role wrong',
    path: '/v3/chat/completions',
    body: chat({ messages: [{ role: 'robot', content: 'x' }] }),
    ...invalid('messages[0].role'),
  },
  {
    name: 'chat logprobs wrong type',
    path: '/v1/chat/completions',
    body: chat({ logprobs: 2 }),
    ...invalid('logprobs'),
  },
  { name: 'tokenize without prompt', path: '/v3/tokenize', body: { model: 'echo' }, ...invalid('prompt') },
];

describe('bad-input matrix', () => {
  it.each(cases)('$name → $status $code', async (c) => {
    const res = await postJson(`${server.url}${c.path ?? '/v3/completions'}`, c.body, {
      ...auth,
      ...c.headers,
    });
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(res.body.error).toMatchObject({ type: c.type, param: c.param, code: c.code });
    expect(res.body.error.message.length).toBeGreaterThan(10);
    // The server keeps serving normal requests after each bad one.
    const ok = await postJson(`${server.url}/v3/completions`, completion({}), auth);
    expect(ok.status).toBe(200);
    expect(ok.body.choices[0].text).toBe('you said: hello');
  });

  it('requires the API key on every /v1 and /v3 route but not on health and metrics', async () => {
    for (const path of ['/v1/models', '/v3/models', '/v3/models/echo', '/v1/config']) {
      const res = await getJson(`${server.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.body.error.code).toBe('invalid_api_key');
      expect((await fetch(`${server.url}${path}`, { headers: auth })).status, path).toBe(200);
    }
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });

  it('quotes the bad value and the rule in server-side messages', async () => {
    const res = await postJson(`${server.url}/v3/completions`, completion({ model: 'gpt-9' }), auth);
    expect(res.body.error.message).toBe(
      'The model "gpt-9" does not exist; served models: "echo" (GET /v3/models lists them) (WEFT_ERR_SERVER_MODEL_NOT_FOUND)',
    );
  });
});
