import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig, ServerConfigError } from './server-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function write(text: string): Promise<string> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  return file;
}

describe('loadServerConfig', () => {
  it('resolves graph paths against the config folder and maps options', async () => {
    const file = await write(
      'graphs:\n  - name: tiny\n    path: ../graphs/tiny.yaml\nport: 9000\napi_key: k\nbody_limit: 2mb\nshutdown_grace_ms: 100\nmax_graph_bytes: 65536\n',
    );
    expect(await loadServerConfig(file)).toEqual({
      file,
      graphs: [{ name: 'tiny', path: join(dir, '..', 'graphs', 'tiny.yaml') }],
      port: 9000,
      apiKey: 'k',
      bodyLimit: '2mb',
      shutdownGraceMs: 100,
      maxGraphBytes: 65536,
      limits: {},
      calculatorModuleDirs: [],
    });
  });

  it('lists every problem with FILE:LINE:COL and suggests the closest key', async () => {
    const file = await write('graphs:\n  - name: tiny\n    pth: x.yaml\nprot: 80\nport: "80"\n');
    const error = await loadServerConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as ServerConfigError).code).toBe('WEFT_ERR_SERVER_CONFIG_INVALID');
    // The framework's YAML reader and schema formatter: the same lines as graph validation.
    const E = 'error WEFT_ERR_SERVER_CONFIG_INVALID';
    expect((error as ServerConfigError).problems).toEqual([
      `${file}:2:5 ${E} graphs[0] is missing required key "path" (add it)`,
      `${file}:3:5 ${E} unknown key "pth" in graphs[0] (did you mean "path"?)`,
      `${file}:4:1 ${E} unknown key "prot" in the document (did you mean "port"?)`,
      `${file}:5:7 ${E} port is "80" but must be integer`,
    ]);
  });

  it('reads the limits, and refuses a headers timeout longer than the body timeout', async () => {
    const file = await write('write_timeout_ms: 500\nmax_connections: 8\nrequest_deadline_ms: 60000\n');
    expect((await loadServerConfig(file)).limits).toEqual({
      writeTimeoutMs: 500,
      maxConnections: 8,
      requestDeadlineMs: 60000,
    });
    const zero = await write('output_buffer_packets: 0\n');
    await expect(loadServerConfig(zero)).rejects.toThrow(`${zero}:1:24 error WEFT_ERR_SERVER_CONFIG_INVALID`);
    const order = await write('headers_timeout_ms: 40000\n');
    await expect(loadServerConfig(order)).rejects.toThrow(
      'error WEFT_ERR_SERVER_CONFIG_INVALID headers_timeout_ms: 40000 must not exceed body_timeout_ms (30000): the headers are part of the request',
    );
  });

  it('reports YAML syntax errors and duplicate model names', async () => {
    const bad = await write('graphs: [\n');
    await expect(loadServerConfig(bad)).rejects.toThrow(
      `${bad}:2:1 error WEFT_ERR_YAML_SYNTAX invalid YAML:`,
    );
    const dup = await write('graphs:\n  - {name: a, path: a.yaml}\n  - {name: a, path: b.yaml}\n');
    await expect(loadServerConfig(dup)).rejects.toThrow(
      `${dup}:3:12 error WEFT_ERR_SERVER_CONFIG_INVALID graphs[1].name: model name "a" is listed twice`,
    );
  });
});
