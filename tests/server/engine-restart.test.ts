import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineGauges, startLlmServer } from './helpers/llm-server.js';
import { getJson, postJson, waitFor } from './helpers/test-server.js';

let server: Awaited<ReturnType<typeof startLlmServer>>;
beforeAll(async () => {
  server = await startLlmServer({ engine: { max_num_seqs: 1 } });
}, 180_000);
afterAll(() => server?.stop());

const model = 'tiny-llama';

/** Reads SSE `data:` payloads until the stream ends. */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (n: number) => Promise<void>,
): Promise<string[]> {
  const events: string[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(bytes, { stream: true });
    for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (!block.startsWith('data: ')) continue;
      events.push(block.slice(6));
      await onEvent(events.length);
    }
  }
  return events;
}

describe('a dead engine worker', () => {
  it('ends the running stream with an error event and [DONE], runs the queued request on a new worker, and reports it in readiness and /v1/config', async () => {
    const engine = server.registry.models()[0]!.graph.sharedSidePacket('engine') as Engine;
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        prompt: 'Once upon a time',
        // Still running when the worker is killed: the engine decodes the tiny model fast, sampling
        // in its worker whatever the client reads, so a short answer could end before the kill.
        max_tokens: 2000,
        ignore_eos: true,
        stream: true,
      }),
    });
    let queued: Promise<{ status: number; body: any }> | undefined;
    let readyDuringRestart: { status: number; body: any } | undefined;
    const events = await readEvents(res.body!, async (n) => {
      if (n !== 3) return;
      queued = postJson(`${server.url}/v1/completions`, {
        model,
        prompt: 'Hello',
        max_tokens: 5,
        temperature: 0,
      });
      await waitFor(async () => (await engineGauges(server.url, model)).queued === 1);
      await engine.killWorker();
      readyDuringRestart = await getJson(`${server.url}/v2/health/ready`);
    });
    expect(events.at(-1)).toBe('[DONE]');
    const error = JSON.parse(events.at(-2)!);
    expect(error).toEqual({
      error: {
        message: 'engine worker failed: worker exited with code 1 (WEFT_ERR_ENGINE_WORKER)',
        type: 'server_error',
        param: null,
        code: 'engine_failed',
      },
    });
    expect(readyDuringRestart).toEqual({
      status: 503,
      body: { ready: false, not_ready: [{ name: model, state: 'engine_restarting' }] },
    });

    const answer = await queued!;
    expect(answer.status).toBe(200);
    expect(answer.body.usage.completion_tokens).toBe(5);
    expect((await getJson(`${server.url}/v2/health/ready`)).status).toBe(200);
    const config = await getJson(`${server.url}/v1/config`);
    expect(config.body.graphs[0].engine).toEqual({
      state: 'ready',
      restarts: 1,
      last_error: {
        message: 'engine worker failed: worker exited with code 1',
        code: 'WEFT_ERR_ENGINE_WORKER',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    const again = await postJson(`${server.url}/v1/completions`, {
      model,
      prompt: 'Hello',
      max_tokens: 5,
      temperature: 0,
    });
    expect(again.body.choices[0].text).toBe(answer.body.choices[0].text);
  });
});
