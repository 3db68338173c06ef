import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer, type TestServer } from './helpers/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer([{ name: 'echo' }], {
    limits: { headersTimeoutMs: 200, bodyTimeoutMs: 400, maxConnections: 3 },
  });
});
afterAll(() => server.stop());

/** Opens a raw connection, writes `text`, and collects what the server sends until it closes. */
function rawClient(text: string): { socket: Socket; closed: Promise<string> } {
  const socket = connect(server.port, '127.0.0.1');
  socket.write(text);
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  return { socket, closed };
}

describe('connection bounds', () => {
  it('drops a client that sends its headers too slowly (headers_timeout_ms) with 408', async () => {
    const started = Date.now();
    const { closed } = rawClient('POST /v3/completions HTTP/1.1\r\nhost: x\r\n');
    const answer = await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('drops a client that sends its body too slowly (body_timeout_ms) with 408', async () => {
    const started = Date.now();
    const { closed } = rawClient(
      'POST /v3/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":',
    );
    const answer = await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('refuses connections beyond max_connections and serves again once they close', async () => {
    const idle = [0, 1, 2].map(() => rawClient(''));
    await new Promise((r) => setTimeout(r, 100));
    const refused = rawClient('GET /v2/health/live HTTP/1.1\r\nhost: x\r\n\r\n');
    expect(await refused.closed).toBe('');
    for (const c of idle) c.socket.destroy();
    await Promise.all(idle.map((c) => c.closed));
    expect((await getJson(`${server.url}/v2/health/live`)).status).toBe(200);
  });
});
