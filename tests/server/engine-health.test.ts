import type { Worker } from 'node:worker_threads';
import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer } from './helpers/llm-server.js';
import { getJson, postJson, waitFor } from './helpers/test-server.js';

let server: Awaited<ReturnType<typeof startLlmServer>>;
beforeAll(async () => {
  server = await startLlmServer();
});
afterAll(() => server.stop());

const engineOf = () => server.registry.models()[0]!.graph.sharedSidePacket('engine') as Engine;
const ready = async () => (await getJson(`${server.url}/v2/health/ready`)).status;
const complete = () =>
  postJson(`${server.url}/v3/completions`, { model: 'tiny-llama', prompt: 'hi', max_tokens: 2 });

describe('readiness follows the engine', () => {
  it('says 503 while the engine worker is dead, and 200 once an engine can serve again', async () => {
    expect(await ready()).toBe(200);
    expect(engineOf().health()).toMatchObject({ state: 'ready', servable: true, reason: null });
    // Kill the worker thread the way a native crash would end it.
    await (engineOf() as unknown as { worker: Worker }).worker.terminate();
    await waitFor(() => !engineOf().health().servable);
    expect(engineOf().health()).toMatchObject({ state: 'failed', servable: false });

    const probe = await getJson(`${server.url}/v2/health/ready`);
    expect(probe.status).toBe(503);
    expect(probe.body).toEqual({ ready: false, not_ready: [{ name: 'tiny-llama', state: 'unhealthy' }] });
    const config = (await getJson(`${server.url}/v1/config`)).body.graphs[0];
    expect(config.state).toBe('unhealthy');
    expect(config.last_error).toContain(
      '"engine" is failed: engine worker failed: worker exited with code 1',
    );
    const refused = await complete();
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('model_not_ready');
    // Probes are not failures: no error-level log line per probe.
    expect(server.logs.filter((l) => l.level === 50 && l.endpoint === 'health')).toEqual([]);

    // Touching the graph file (the watcher's refresh) loads a fresh engine even though the text is the same.
    await server.registry.refresh(server.registry.status()[0]!.file);
    expect(await ready()).toBe(200);
    expect((await complete()).status).toBe(200);
  });
});
