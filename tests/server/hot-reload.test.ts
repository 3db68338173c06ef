import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responderGraphYaml } from './fixtures/responder.js';
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
  server = await startTestServer([{ name: 'echo' }], { watch: true });
});
afterAll(() => server.stop());

const config = async () =>
  (await getJson(`${server.url}/v1/config`)).body.graphs as Record<string, unknown>[];
const ask = (model: string, prompt: string) => postJson(`${server.url}/v3/completions`, { model, prompt });

describe('hot reload of graphs/', () => {
  it('applies a valid edit without a restart', async () => {
    expect((await ask('echo', 'twelve chars')).status).toBe(200);
    await writeFile(join(server.dir, 'echo.yaml'), responderGraphYaml({ name: 'echo', contextLength: 8 }));
    await waitFor(async () => (await ask('echo', 'twelve chars')).status === 400);
    const res = await ask('echo', 'twelve chars');
    expect(res.body.error.code).toBe('context_length_exceeded');
    expect((await config())[0]).toMatchObject({ name: 'echo', state: 'available', last_error: null });
  });

  it('reports a broken edit with FILE:LINE:COL and keeps serving the previous version', async () => {
    const broken = responderGraphYaml({ name: 'echo', contextLength: 8 }).replace(
      'calculator: TestResponderCalculator',
      'calculator: TestResponderCalculatr',
    );
    await writeFile(join(server.dir, 'echo.yaml'), broken);
    await waitFor(async () => (await config())[0]!.last_error !== null);
    const [echo] = await config();
    expect(echo).toMatchObject({ name: 'echo', state: 'available' });
    const line = broken.split('\n').findIndex((l) => l.includes('TestResponderCalculatr')) + 1;
    expect(String(echo!.last_error)).toContain(`${join(server.dir, 'echo.yaml')}:${line}:`);
    expect(String(echo!.last_error)).toContain('TestResponderCalculator');
    expect(server.logs.some((l) => l.msg === 'graph failed to load' && l.keptPrevious === true)).toBe(true);
    // Still the context-length-8 version: 2 + 6 tokens fit, 2 + 7 do not.
    const res = await postJson(`${server.url}/v3/completions`, {
      model: 'echo',
      prompt: 'hi',
      max_tokens: 6,
    });
    expect(res.status).toBe(200);
    expect(res.body.choices[0].text).toBe('you said: hi');
    const over = await postJson(`${server.url}/v3/completions`, {
      model: 'echo',
      prompt: 'hi',
      max_tokens: 7,
    });
    expect(over.body.error.code).toBe('context_length_exceeded');
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
  });

  it('lets in-flight streams finish on the old version while a new one is swapped in', async () => {
    await writeFile(join(server.dir, 'slow.yaml'), responderGraphYaml({ name: 'slow', tokenDelayMs: 60 }));
    await waitFor(async () => (await ask('slow', 'x')).status === 200);
    const streaming = postJson(`${server.url}/v3/completions`, {
      model: 'slow',
      prompt: 'a b c d',
      stream: true,
    });
    await new Promise((r) => setTimeout(r, 100));
    await writeFile(
      join(server.dir, 'slow.yaml'),
      responderGraphYaml({ name: 'slow', tokenDelayMs: 0, contextLength: 5 }),
    );
    await waitFor(async () => (await ask('slow', 'longer than five')).status === 400);
    const res = await streaming;
    const data = sseData(res.text);
    expect(data.at(-1)).toBe('[DONE]');
    const text = data
      .slice(0, -1)
      .map((d) => JSON.parse(d).choices[0].text)
      .join('');
    expect(text).toBe('you said: a b c d');
  });

  it('stops serving a removed file and serves a new one', async () => {
    await unlink(join(server.dir, 'slow.yaml'));
    await waitFor(async () => (await ask('slow', 'x')).status === 404);
    expect((await config()).map((g) => g.name)).toEqual(['echo']);
    await writeFile(join(server.dir, 'fresh.yaml'), responderGraphYaml({ name: 'fresh-model' }));
    await waitFor(async () => (await ask('fresh-model', 'x')).status === 200);
    const models = (await getJson(`${server.url}/v3/models`)).body.data.map((m: { id: string }) => m.id);
    expect(models).toEqual(['echo', 'fresh-model']);
  });

  it('turns readiness to 503 while a new graph fails to load, and answers its model with 503', async () => {
    const file = join(server.dir, 'broken.yaml');
    await writeFile(file, 'name: broken-model\nnodes:\n  - calculator: NoSuchCalculator\n');
    await waitFor(async () =>
      (await config()).some((g) => g.name === 'broken-model' && g.state === 'failed'),
    );
    const ready = await getJson(`${server.url}/v2/health/ready`);
    expect(ready).toEqual({
      status: 503,
      body: { ready: false, not_ready: [{ name: 'broken-model', state: 'failed' }] },
    });
    const broken = (await config()).find((g) => g.name === 'broken-model')!;
    expect(String(broken.last_error)).toContain(`${file}:3:`);
    const res = await ask('broken-model', 'x');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'model_not_ready', param: 'model', type: 'server_error' });
    await unlink(file);
    await waitFor(async () => (await fetch(`${server.url}/v2/health/ready`)).status === 200);
  });
});
