import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, defaultLoader, type RunningServer, startServer } from '@weft/server';
import { ensureTinyEmbeddingModel, ensureTinyModel, repoRoot } from '../../helpers/models.js';

/**
 * Serves the repository's default graphs (`graphs/tiny-llama.yaml`, `graphs/tiny-embed.yaml`),
 * unchanged except that their model paths point at models built by the product's builder, from a
 * real server on 127.0.0.1:0.
 */
export async function startDefaultGraphs(
  which: {
    llama?: boolean;
    embed?: boolean;
    /** The built embedding model tiny-embed serves: an encoder (mean, cls) or a decoder (last_token). */
    embedPooling?: 'mean' | 'cls' | 'last_token';
  } = { llama: true, embed: true },
): Promise<RunningServer & { stop(): Promise<void>; embedModelDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-graphs-'));
  const embedModelDir = await ensureTinyEmbeddingModel(which.embedPooling);
  if (which.embed) {
    const text = (await readFile(join(repoRoot, 'graphs', 'tiny-embed.yaml'), 'utf8')).replaceAll(
      '../models/tiny-embed',
      embedModelDir,
    );
    if (!text.includes(embedModelDir))
      throw new Error('graphs/tiny-embed.yaml changed: update startDefaultGraphs');
    await writeFile(join(dir, 'tiny-embed.yaml'), text);
  }
  if (which.llama) {
    const model = await ensureTinyModel('llama');
    const text = (await readFile(join(repoRoot, 'graphs', 'tiny-llama.yaml'), 'utf8')).replace(
      /model_dir: \.\.\/models\/tiny-llama/,
      `model_dir: ${JSON.stringify(model)}`,
    );
    if (!text.includes(model)) throw new Error('graphs/tiny-llama.yaml changed: update startDefaultGraphs');
    await writeFile(join(dir, 'tiny-llama.yaml'), text);
  }
  const server = await startServer({
    loader: defaultLoader(),
    graphsDir: dir,
    port: 0,
    watch: false,
    logger: createLogger({ write: () => {} }),
  });
  return Object.assign(server, {
    embedModelDir,
    stop: async () => {
      await server.close(0);
      await rm(dir, { recursive: true, force: true });
    },
  });
}
