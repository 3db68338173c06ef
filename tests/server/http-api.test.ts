import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  postJson,
  sseData,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    [
      { name: 'echo' },
      { name: 'slow', tokenDelayMs: 150 },
      { name: 'tight', tokenDelayMs: 100, maxRunning: 1 },
    ],
    { keepAliveMs: 40 },
  );
});
afterAll(() => server.stop());

describe('POST /v3/completions and /v3/chat/completions', () => {
  it('returns the graph response body for a non-streaming completion, under /v1 and /v3', async () => {
    for (const base of ['/v1', '/v3']) {
      const res = await postJson(`${server.url}${base}/completions`, { model: 'echo', prompt: 'hi there' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({
        id: 'cmpl-test',
        object: 'text_completion',
        created: 1700000000,
        model: 'echo',
        choices: [{ index: 0, text: 'you said: hi there', logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 },
      });
    }
  });

  it('streams chat chunks as SSE ending with [DONE], without the usage chunk unless asked', async () => {
    const res = await postJson(`${server.url}/v3/chat/completions`, {
      model: 'echo',
      messages: [{ role: 'user', content: 'a b' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const data = sseData(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'you' },
      { content: ' said:' },
      { content: ' a' },
      { content: ' b' },
      {},
    ]);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
  });

  it('passes the usage chunk through when stream_options.include_usage is set', async () => {
    const res = await postJson(`${server.url}/v1/completions`, {
      model: 'echo',
      prompt: 'x',
      stream: true,
      stream_options: { include_usage: true },
    });
    const data = sseData(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const last = JSON.parse(data.at(-2)!);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 });
  });

  it('sends keep-alive comments while a stream waits for its first event', async () => {
    const res = await postJson(`${server.url}/v3/completions`, {
      model: 'slow',
      prompt: 'one',
      stream: true,
      max_tokens: 1,
    });
    expect(res.text.startsWith(': keep-alive\n\n')).toBe(true);
    expect(sseData(res.text).at(-1)).toBe('[DONE]');
  });

  it('answers a graph validation error of a streaming request as JSON with the graph status', async () => {
    const res = await postJson(`${server.url}/v3/completions`, {
      model: 'echo',
      prompt: 'x',
      stream: true,
      n: 9,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        message: 'n must be an integer from 1 to 4 (WEFT_ERR_REQUEST_INVALID_VALUE)',
        type: 'invalid_request_error',
        param: 'n',
        code: 'invalid_value',
      },
    });
  });

  it('fails with 500 naming the node, without a stack trace, when a calculator throws', async () => {
    const res = await postJson(`${server.url}/v3/completions`, { model: 'echo', prompt: 'please FAIL' });
    expect(res.status).toBe(500);
    expect(res.body.error.type).toBe('server_error');
    expect(res.body.error.code).toBe('graph_failed');
    expect(res.body.error.message).toBe(
      'node "responder" (TestResponderCalculator) failed in process in graph "echo": the prompt asked the responder to fail (WEFT_ERR_NODE_FAILED)',
    );
    expect(res.body.error.message).not.toMatch(/\n\s+at /);
  });

  it('turns a failure after the stream started into an error event followed by [DONE]', async () => {
    const res = await postJson(`${server.url}/v3/completions`, {
      model: 'slow',
      prompt: 'FAIL',
      stream: true,
    });
    expect(res.status).toBe(200);
    const data = sseData(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const error = JSON.parse(data.at(-2)!).error;
    expect(error.code).toBe('graph_failed');
    expect(error.message).toContain('node "responder"');
  });
});

describe('queue full', () => {
  it('answers 429 with Retry-After when the graph reports a full queue, then serves again', async () => {
    const first = postJson(`${server.url}/v3/completions`, { model: 'tight', prompt: 'a' });
    await waitFor(async () =>
      (await (await fetch(`${server.url}/metrics`)).text()).includes(
        'weft_running_sequences{model="tight"} 1',
      ),
    );
    const second = await postJson(`${server.url}/v3/completions`, { model: 'tight', prompt: 'b' });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.body.error).toEqual({
      message: 'queue is full (WEFT_ERR_ENGINE_QUEUE_FULL)',
      type: 'rate_limit_error',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect((await first).status).toBe(200);
    const again = await postJson(`${server.url}/v3/completions`, { model: 'tight', prompt: 'c' });
    expect(again.body.choices[0].text).toBe('you said: c');
    expect(server.logs.find((l) => l.status === 429)).toMatchObject({
      errorCode: 'WEFT_ERR_ENGINE_QUEUE_FULL',
    });
  });
});

describe('models, tokenize, health, config, metrics', () => {
  it('lists models in the OpenAI list shape and fetches one', async () => {
    const list = (await getJson(`${server.url}/v1/models`)).body;
    expect(list.object).toBe('list');
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(['echo', 'slow', 'tight']);
    expect(list.data[0]).toEqual({
      id: 'echo',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'weft',
      task: 'text-generation',
    });
    const one = await getJson(`${server.url}/v3/models/slow`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe('slow');
    const missing = await getJson(`${server.url}/v3/models/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('model_not_found');
  });

  it('tokenizes with the graph TOKENIZER side packet', async () => {
    const res = await postJson(`${server.url}/v3/tokenize`, { model: 'echo', prompt: 'Hi!' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tokens: [72, 105, 33] });
    const bad = await postJson(`${server.url}/v3/tokenize`, { model: 'echo', prompt: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('prompt');
  });

  it('reports liveness, readiness and each graph state', async () => {
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    const ready = await fetch(`${server.url}/v2/health/ready`);
    expect(ready.status).toBe(200);
    const config = (await getJson(`${server.url}/v1/config`)).body;
    expect(
      config.graphs.map((g: { name: string; state: string; last_error: unknown }) => [
        g.name,
        g.state,
        g.last_error,
      ]),
    ).toEqual([
      ['echo', 'available', null],
      ['slow', 'available', null],
      ['tight', 'available', null],
    ]);
  });

  it('exposes request counts, token counters, TTFT and engine gauges in Prometheus text', async () => {
    await postJson(`${server.url}/v3/completions`, { model: 'echo', prompt: 'count me', stream: true });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/weft_requests_total\{model="echo",endpoint="completions",status="200"\} [1-9]/);
    expect(text).toMatch(/weft_generated_tokens_total\{model="echo"\} [1-9]/);
    expect(text).toMatch(/weft_prompt_tokens_total\{model="echo"\} [1-9]/);
    expect(text).toMatch(/weft_time_to_first_token_seconds_count\{model="echo"\} [1-9]/);
    expect(text).toMatch(/weft_time_per_output_token_seconds_count\{model="echo"\} [1-9]/);
    expect(text).toContain('weft_running_sequences{model="echo"} 0');
    expect(text).toContain('weft_queue_length{model="echo"} 0');
    expect(text).toContain('weft_requests_running{model="echo"} 0');
    expect(text).toContain('weft_kv_cache_used_tokens{model="echo"} 0');
  });

  it("names Node's process metrics weft_process_* and weft_nodejs_* (one prefix, not two)", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/^weft_process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^weft_nodejs_eventloop_lag_seconds [\d.e-]+$/m);
    expect(text).not.toContain('weft_process_process_');
    expect(text).not.toContain('weft_process_nodejs_');
  });

  it('labels metrics with served model names only', async () => {
    await postJson(`${server.url}/v3/completions`, { model: 'made-up-name-123', prompt: 'x' });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).not.toContain('made-up-name-123');
    expect(text).toMatch(/weft_requests_total\{model="",endpoint="completions",status="404"\} [1-9]/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const plain = await fetch(`${server.url}/v1/audio/speech`, { method: 'POST', body: 'x' });
    expect(plain.status).toBe(404);
    const res = await postJson(`${server.url}/v3/audio/speech`, {});
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      message:
        'no endpoint at POST /v3/audio/speech; see docs/rest-api.md (e.g. POST /v3/chat/completions, GET /v3/models) (WEFT_ERR_SERVER_ROUTE_NOT_FOUND)',
      type: 'invalid_request_error',
      param: null,
      code: 'not_found',
    });
  });

  it('writes one JSON log line per request with id, model, endpoint, status, tokens and latency', async () => {
    const res = await postJson(
      `${server.url}/v3/completions`,
      { model: 'echo', prompt: 'log me' },
      { 'x-request-id': 'req-42' },
    );
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const line = server.logs.find((l) => l.reqId === 'req-42');
    expect(line).toMatchObject({
      msg: 'request',
      model: 'echo',
      path: '/v3/completions',
      endpoint: 'completions',
      status: 200,
      promptTokens: 6,
      completionTokens: 4,
      latencyMs: expect.any(Number),
    });
  });
});
