import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIo } from '@weft/framework';
import { type RunningServer, serveCommand } from '@weft/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responderGraphYaml, responderModule } from './fixtures/responder.js';
import { getJson } from './helpers/test-server.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-serve-config-'));
  await writeFile(join(dir, 'g.yaml'), responderGraphYaml({ name: 'internal-name' }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    cwd: dir,
    out: '',
    err: '',
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

describe('weft serve --config (in process)', () => {
  it('reads the API key from api_key_file and guards /metrics with it when metrics_need_api_key', async () => {
    await writeFile(join(dir, 'key.txt'), '  sk-from-file\n');
    await writeFile(
      join(dir, 'keyed.yaml'),
      `graphs:\n  - name: public-model\n    path: g.yaml\napi_key_file: key.txt\nmetrics_need_api_key: true\nlog_level: warn\ncalculator_module_dirs: [${JSON.stringify(dirname(responderModule))}]\n`,
    );
    const io = captureIo();
    const stop = new AbortController();
    let server: RunningServer | undefined;
    const exit = serveCommand(['--config', 'keyed.yaml', '--port', '0'], io, {
      signal: stop.signal,
      onListening: (s) => {
        server = s;
      },
    });
    while (server === undefined) await new Promise((r) => setTimeout(r, 10));
    const auth = { authorization: 'Bearer sk-from-file' };
    expect((await getJson(`${server.url}/v3/models`, auth)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: auth })).status).toBe(200);
    stop.abort();
    expect(await exit).toBe(0);
  });

  it('exits 2 when the API key file cannot be read or is empty', async () => {
    await writeFile(join(dir, 'empty.txt'), '\n');
    const io = captureIo();
    expect(await serveCommand(['--api-key-file', 'missing.txt', '--port', '0'], io)).toBe(2);
    expect(io.err).toMatch(/^weft serve: cannot read the API key file .*missing\.txt: ENOENT/);
    const io2 = captureIo();
    expect(await serveCommand(['--api-key-file', 'empty.txt', '--port', '0'], io2)).toBe(2);
    expect(io2.err).toBe(`weft serve: the API key file ${join(dir, 'empty.txt')} is empty\n`);
  });

  it('serves the listed graphs under their configured names with the configured key', async () => {
    await writeFile(
      join(dir, 'weft.yaml'),
      `graphs:\n  - name: public-model\n    path: g.yaml\napi_key: sk-config\nlog_level: info\ncalculator_module_dirs: [${JSON.stringify(dirname(responderModule))}]\n`,
    );
    const io = captureIo();
    const stop = new AbortController();
    let server: RunningServer | undefined;
    const exit = serveCommand(['--config', 'weft.yaml', '--port', '0'], io, {
      signal: stop.signal,
      onListening: (s) => {
        server = s;
      },
    });
    while (server === undefined) await new Promise((r) => setTimeout(r, 10));
    expect(io.out).toBe(`listening on ${server.url}\n`);
    expect((await getJson(`${server.url}/v3/models`)).status).toBe(401);
    const models = await getJson(`${server.url}/v3/models`, { authorization: 'Bearer sk-config' });
    expect(models.body.data.map((m: { id: string }) => m.id)).toEqual(['public-model']);
    stop.abort();
    expect(await exit).toBe(0);
    const lines = io.err
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual([
      'graph available',
      'request',
      'request',
      'shutting down',
      'stopped',
    ]);
  });

  it('exits 2 listing config problems with FILE:LINE:COL', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'graphs: []\nprot: 80\n');
    const io = captureIo();
    expect(await serveCommand(['--config', 'bad.yaml'], io)).toBe(2);
    expect(io.err).toBe(
      `weft serve: WEFT_ERR_SERVER_CONFIG_INVALID server config is invalid:\n${join(dir, 'bad.yaml')}:2:1 error WEFT_ERR_SERVER_CONFIG_INVALID unknown key "prot" in the document (did you mean "port"?)\n`,
    );
    expect(io.out).toBe('');
  });
});
