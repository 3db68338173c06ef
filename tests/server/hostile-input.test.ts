import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer([{ name: 'echo' }], { limits: { maxTokenizeChars: 1000 } });
});
afterAll(() => server.stop());

const errorLogs = () => server.logs.filter((l) => (l.level as number) >= 50);

describe('hostile input gets a 4xx, a short message and a short log line', () => {
  it('refuses JSON nested deeper than max_json_depth (64) with 400, wherever the nesting is', async () => {
    let deep = '"user"';
    for (let i = 0; i < 20_000; i++) deep = `[${deep}]`;
    for (const [path, body] of [
      ['/v3/chat/completions', `{"model":"echo","messages":[{"role":${deep},"content":"x"}]}`],
      ['/v3/tokenize', `{"model":"echo","prompt":${deep}}`],
    ] as const) {
      const res = await postJson(`${server.url}${path}`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'could not parse the request body as JSON (values are nested deeper than 64 levels (max_json_depth)); send a JSON object such as {"model": "tiny-llama", "prompt": "Hello"} (WEFT_ERR_SERVER_INVALID_JSON)',
      );
    }
    expect(errorLogs()).toEqual([]);
  });

  it('does not echo a 500 KB model name, in the answer or the log', async () => {
    const res = await postJson(`${server.url}/v3/completions`, { model: 'x'.repeat(500_000), prompt: 'hi' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      `The model "${'x'.repeat(79)}… (500002 characters) does not exist; served models: "echo" (GET /v3/models lists them) (WEFT_ERR_SERVER_MODEL_NOT_FOUND)`,
    );
    const line = server.logs.find((l) => l.status === 404 && l.endpoint === 'completions')!;
    expect(String(line.model).length).toBeLessThan(300);
  });

  it('answers a path that is not valid percent-encoding with 400, logging no stack trace', async () => {
    const res = await fetch(`${server.url}/v3/models/%zz`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({
      param: 'path',
      code: 'invalid_value',
    });
    expect(errorLogs()).toEqual([]);
  });

  it('answers OPTIONS and unknown methods with the JSON 404, not express defaults', async () => {
    for (const method of ['OPTIONS', 'PUT', 'DELETE']) {
      const res = await fetch(`${server.url}/v3/completions`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('bounds /tokenize by max_tokenize_chars and does not echo a bad prompt whole', async () => {
    const over = await postJson(`${server.url}/v3/tokenize`, {
      model: 'echo',
      prompt: ['a'.repeat(600), 'b'.repeat(600)],
    });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe(
      'prompt has 1200 characters; /tokenize takes at most 1000 per request (max_tokenize_chars) (WEFT_ERR_SERVER_INVALID_PARAMETER)',
    );
    const bad = await postJson(`${server.url}/v3/tokenize`, {
      model: 'echo',
      prompt: { text: 'z'.repeat(100_000) },
    });
    expect(bad.status).toBe(400);
    expect(bad.text.length).toBeLessThan(600);
  });
});
