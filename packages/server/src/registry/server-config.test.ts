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
      'graphs:\n  - name: tiny\n    path: ../graphs/tiny.yaml\nport: 9000\napi_key: k\nbody_limit: 2mb\nshutdown_grace_ms: 100\n',
    );
    expect(await loadServerConfig(file)).toEqual({
      file,
      graphs: [{ name: 'tiny', path: join(dir, '..', 'graphs', 'tiny.yaml') }],
      port: 9000,
      apiKey: 'k',
      bodyLimit: '2mb',
      shutdownGraceMs: 100,
      limits: {},
      calculatorModuleDirs: [],
    });
  });

  it('lists every problem with FILE:LINE:COL and suggests the closest key', async () => {
    const file = await write('graphs:\n  - name: tiny\n    pth: x.yaml\nprot: 80\nport: "80"\n');
    const error = await loadServerConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as ServerConfigError).code).toBe('WEFT_ERR_SERVER_CONFIG_INVALID');
    expect((error as ServerConfigError).problems).toEqual([
      `${file}:2:5 /graphs/0: must have required property 'path'`,
      `${file}:3:5 /graphs/0: unknown key "pth"; did you mean "path"? (known keys: name, path)`,
      `${file}:4:1 /: unknown key "prot"; did you mean "port"? (known keys: graphs, graphs_dir, host, port, api_key, api_key_file, metrics_need_api_key, body_limit, keep_alive_ms, shutdown_grace_ms, log_level, calculator_module_dirs, headers_timeout_ms, body_timeout_ms, idle_timeout_ms, max_connections, write_timeout_ms, output_buffer_packets, request_deadline_ms, max_tokenize_chars, max_json_depth)`,
      `${file}:5:7 /port: must be integer`,
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
    await expect(loadServerConfig(zero)).rejects.toThrow(`${zero}:1:24 /output_buffer_packets: must be >= 1`);
    const order = await write('headers_timeout_ms: 40000\n');
    await expect(loadServerConfig(order)).rejects.toThrow(
      `${order}: /headers_timeout_ms: 40000 must not exceed body_timeout_ms (30000): the headers are part of the request`,
    );
  });

  it('reports YAML syntax errors and duplicate model names', async () => {
    const bad = await write('graphs: [\n');
    await expect(loadServerConfig(bad)).rejects.toThrow(`${bad}:2:1`);
    const dup = await write('graphs:\n  - {name: a, path: a.yaml}\n  - {name: a, path: b.yaml}\n');
    await expect(loadServerConfig(dup)).rejects.toThrow('model name "a" is listed twice');
  });
});
