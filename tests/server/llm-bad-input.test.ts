import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyFor, paramCases, ruleCases, weftCodeOf } from '../llm-graph/param-cases.js';
import { startLlmServer } from './helpers/llm-server.js';
import { postJson } from './helpers/test-server.js';

let server: Awaited<ReturnType<typeof startLlmServer>>;
beforeAll(async () => {
  server = await startLlmServer();
}, 180_000);
afterAll(() => server?.stop());

// The LLM graph's own table of every parameter (valid, wrong type, out of range), sent over HTTP:
// the server must hand each graph error to the client unchanged, as the HTTP status and JSON body.
describe('every request parameter of the tiny-llama graph over HTTP', () => {
  it.each([...paramCases, ...ruleCases].map((c) => [`${c.endpoint} ${c.name}`, c] as const))(
    '%s',
    async (_, c) => {
      const res = await postJson(`${server.url}/v3/${c.endpoint}`, bodyFor(c));
      if (!c.error) {
        expect(res.status, res.text.slice(0, 300)).toBe(200);
        return;
      }
      expect(res.status).toBe(400);
      // The message ends with the Weft code of the cause; `model` is checked by the server itself.
      const code =
        c.error.param === 'model' ? 'WEFT_ERR_SERVER_INVALID_PARAMETER_TYPE' : weftCodeOf[c.error.code];
      const message = `${c.error.message} (${code})`;
      expect(res.body).toEqual({ error: { ...c.error, message, type: 'invalid_request_error' } });
      const ok = await postJson(`${server.url}/v1/completions`, {
        model: 'tiny-llama',
        prompt: 'Hi',
        max_tokens: 1,
      });
      expect(ok.status).toBe(200);
    },
  );
});
