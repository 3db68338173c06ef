import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, sseData, startTestServer, type TestServer } from './helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer([{ name: 'echo' }, { name: 'slow', tokenDelayMs: 100 }], {
    limits: { requestDeadlineMs: 300 },
  });
});
afterAll(() => server.stop());

describe('request_deadline_ms', () => {
  it('answers 504 and frees the request when a calculator never settles', async () => {
    const started = Date.now();
    const res = await postJson(`${server.url}/v3/completions`, { model: 'echo', prompt: 'please HANG' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(504);
    expect(res.body.error).toEqual({
      message:
        'the request to model "echo" did not finish within the request deadline of 300 ms (request_deadline_ms) and was cancelled; ask for fewer tokens or retry (WEFT_ERR_SERVER_DEADLINE_EXCEEDED)',
      type: 'server_error',
      param: null,
      code: 'timeout',
    });
    expect(server.app.weft.inFlight()).toBe(0);
  });

  it('ends a stream that outlives it with an error event and [DONE]', async () => {
    // 20 tokens at 100 ms each: the deadline cuts it after about 3.
    const res = await postJson(`${server.url}/v3/completions`, {
      model: 'slow',
      prompt: 'a b c d e f g h i j k l m n o p q r',
      max_tokens: 20,
      stream: true,
    });
    expect(res.status).toBe(200);
    const events = sseData(res.text);
    expect(events.at(-1)).toBe('[DONE]');
    expect(JSON.parse(events.at(-2)!).error.code).toBe('timeout');
    expect(events.length).toBeLessThan(10);
    const line = server.logs.find((l) => l.model === 'slow' && l.endpoint === 'completions');
    expect(line).toMatchObject({ status: 200, errorCode: 'WEFT_ERR_SERVER_DEADLINE_EXCEEDED' });
  });

  it('a shutdown ends a run that ignores cancellation once the grace period is over', async () => {
    const other = await startTestServer([{ name: 'echo' }]);
    const pending = postJson(`${other.url}/v3/completions`, { model: 'echo', prompt: 'HANG' }).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close(200);
    // Grace (200 ms) + dispose's 1 s wait for cancelled runs; the connection was closed.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(other.logs.some((l) => String(l.msg).startsWith('graphs did not close'))).toBe(false);
    expect(await pending).toBeInstanceOf(Error);
    await other.stop();
  });
});
