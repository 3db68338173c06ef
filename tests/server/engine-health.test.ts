import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer } from './helpers/llm-server.js';
import { getJson, postJson, waitFor } from './helpers/test-server.js';

let server: Awaited<ReturnType<typeof startLlmServer>>;
beforeAll(async () => {
  // No restarts allowed: the first worker death leaves the engine failed until the graph is reloaded.
  server = await startLlmServer({ engine: { max_restarts: 0 } });
}, 180_000);
afterAll(() => server?.stop());

const engineOf = () => server.registry.models()[0]!.graph.sharedSidePacket('engine') as Engine;
const ready = async () => (await getJson(`${server.url}/v2/health/ready`)).status;
const complete = () =>
  postJson(`${server.url}/v3/completions`, { model: 'tiny-llama', prompt: 'hi', max_tokens: 2 });

describe('readiness follows the engine', () => {
  it('says 503 while the engine has given up, and a touch of the graph file brings a fresh engine', async () => {
    expect(await ready()).toBe(200);
    expect(engineOf().status().state).toBe('ready');
    await engineOf().killWorker();
    await waitFor(() => engineOf().status().state === 'failed');

    const probe = await getJson(`${server.url}/v2/health/ready`);
    expect(probe.status).toBe(503);
    expect(probe.body).toEqual({ ready: false, not_ready: [{ name: 'tiny-llama', state: 'engine_failed' }] });
    const config = (await getJson(`${server.url}/v1/config`)).body.graphs[0];
    expect(config.state).toBe('available');
    expect(config.engine.state).toBe('failed');
    const refused = await complete();
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('engine_unavailable');
    // Probes are not failures: no error-level log line per probe.
    expect(server.logs.filter((l) => l.level === 50 && l.endpoint === 'health')).toEqual([]);

    // Touching the graph file (the watcher's refresh) loads a fresh engine even though the text is the same.
    const before = engineOf();
    await server.registry.refresh(server.registry.status()[0]!.file);
    expect(engineOf()).not.toBe(before);
    expect(await ready()).toBe(200);
    expect((await complete()).status).toBe(200);
  });
});
