import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createLogger, defaultLoader, type RunningServer, startServer } from '@weft/server';
import { afterEach, describe, expect, it } from 'vitest';
import { responderGraphYaml, responderModule } from './fixtures/responder.js';
import { getJson, postJson, waitFor } from './helpers/test-server.js';

let server: RunningServer | undefined;
let root: string;
afterEach(async () => {
  await server?.close(0);
  server = undefined;
  await rm(root, { recursive: true, force: true });
});

async function serve(graphsDir: string): Promise<RunningServer> {
  server = await startServer({
    loader: defaultLoader(undefined, [dirname(responderModule)]),
    graphsDir,
    port: 0,
    watch: true,
    logger: createLogger({ level: 'silent' }),
  });
  return server;
}

const models = async (s: RunningServer) =>
  ((await getJson(`${s.url}/v3/models`)).body.data as { id: string }[]).map((m) => m.id);
const ready = async (s: RunningServer) => (await getJson(`${s.url}/v2/health/ready`)).status;
const ask = (s: RunningServer, model: string) =>
  postJson(`${s.url}/v3/completions`, { model, prompt: 'twelve chars' });

describe('graph folders', () => {
  it('serves symlinked graph files at start (Kubernetes ConfigMap layout) and follows a ..data swap', async () => {
    root = await mkdtemp(join(tmpdir(), 'weft-configmap-'));
    const graphs = join(root, 'graphs');
    await mkdir(join(graphs, '..2026_01'), { recursive: true });
    await writeFile(join(graphs, '..2026_01', 'echo.yaml'), responderGraphYaml({ name: 'echo' }));
    await symlink('..2026_01', join(graphs, '..data'));
    await symlink(join('..data', 'echo.yaml'), join(graphs, 'echo.yaml'));
    const s = await serve(graphs);
    expect(await models(s)).toEqual(['echo']);
    expect(await ready(s)).toBe(200);
    expect((await ask(s, 'echo')).status).toBe(200);
    // kubelet's update: a new timestamped folder, then an atomic swap of the ..data link.
    await mkdir(join(graphs, '..2026_02'));
    await writeFile(
      join(graphs, '..2026_02', 'echo.yaml'),
      responderGraphYaml({ name: 'echo', contextLength: 8 }),
    );
    await symlink('..2026_02', join(graphs, '..data_tmp'));
    await rename(join(graphs, '..data_tmp'), join(graphs, '..data'));
    await waitFor(async () => (await ask(s, 'echo')).status === 400, 5000);
  });

  it('promotes a graph with the same model name when the serving file is deleted', async () => {
    root = await mkdtemp(join(tmpdir(), 'weft-dup-'));
    await writeFile(join(root, 'a.yaml'), responderGraphYaml({ name: 'echo' }));
    await writeFile(join(root, 'b.yaml'), responderGraphYaml({ name: 'echo', contextLength: 8 }));
    const s = await serve(root);
    expect((await ask(s, 'echo')).status).toBe(200);
    await unlink(join(root, 'a.yaml'));
    await waitFor(async () => (await ask(s, 'echo')).status === 400, 5000);
    const config = (await getJson(`${s.url}/v1/config`)).body.graphs;
    expect(config).toEqual([
      expect.objectContaining({ name: 'echo', file: join(root, 'b.yaml'), state: 'available' }),
    ]);
    expect(await ready(s)).toBe(200);
  });

  it('watches a folder created after start, and again after it is deleted and recreated; readiness says so meanwhile', async () => {
    root = await mkdtemp(join(tmpdir(), 'weft-late-'));
    const graphs = join(root, 'graphs');
    const s = await serve(graphs);
    const probe = await getJson(`${s.url}/v2/health/ready`);
    expect(probe.status).toBe(503);
    expect(probe.body.problems).toEqual([
      `graphs folder ${graphs} is not watched (it does not exist or cannot be read); waiting for it`,
    ]);
    await mkdir(graphs);
    await writeFile(join(graphs, 'echo.yaml'), responderGraphYaml({ name: 'echo' }));
    await waitFor(async () => (await models(s)).includes('echo') && (await ready(s)) === 200, 5000);

    await rm(graphs, { recursive: true });
    await waitFor(async () => (await ready(s)) === 503 && (await models(s)).length === 0, 5000);
    await mkdir(graphs);
    await writeFile(join(graphs, 'other.yaml'), responderGraphYaml({ name: 'other' }));
    await waitFor(async () => (await models(s)).includes('other') && (await ready(s)) === 200, 5000);
    expect((await ask(s, 'other')).status).toBe(200);
  });
});
