import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, waitFor } from './helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer([{ name: 'big', contextLength: 2_000_000 }], {
    bodyLimit: '2mb',
    limits: { writeTimeoutMs: 400 },
  });
});
afterAll(() => server.stop());

/** Sends a request on a raw socket and never reads the answer (the socket stays paused). */
function stalledClient(body: unknown) {
  const text = JSON.stringify(body);
  const socket = connect(server.port, '127.0.0.1');
  socket.write(
    `POST /v3/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  socket.pause();
  return socket;
}

describe('a client that stops reading', () => {
  it('is cut off after write_timeout_ms: the run is cancelled and the request leaves memory', async () => {
    // 200 words of 8000 characters, echoed 4 times: ~6.4 MB of events, more than the socket buffers hold.
    const prompt = Array.from({ length: 200 }, (_, i) => String(i % 10).repeat(8000)).join(' ');
    const socket = stalledClient({ model: 'big', prompt, max_tokens: 300, n: 4, stream: true });
    await waitFor(() => server.logs.some((l) => l.endpoint === 'completions'), 10_000);
    const line = server.logs.find((l) => l.endpoint === 'completions')!;
    expect(line).toMatchObject({ status: 499, errorCode: 'WEFT_ERR_SERVER_WRITE_TIMEOUT' });
    expect(line.clientClosed).toBeUndefined();
    expect(String(line.errorDetail)).toContain('the client read nothing for 400 ms');
    expect(server.app.weft.inFlight()).toBe(0);
    expect(server.registry.inFlight()).toBe(0);
    // The server closed its side of the connection.
    const open = () => new Promise<number>((r) => server.server.getConnections((_e, n) => r(n)));
    expect(await open()).toBe(0);
    socket.destroy();
  });
});
