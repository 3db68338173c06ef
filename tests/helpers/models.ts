import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEmbeddingModelDir, ensureModelDir, type ModelKind, withKindDefaults } from '@weft/llm';

/** The repository root (this file lives in `<repo>/tests/helpers/`). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Default seed of the test models (the same models every test and every engineer sees). */
export const DEFAULT_TEST_SEED = 0;

/**
 * Path of a model built by the product's own builder, cached under `<repo>/.weft/models/`
 * (`<arch>-<preset>-<seed>[-<kind values>]`). Built once; concurrent vitest workers are safe (temp
 * dir + rename).
 */
export async function ensureTinyModel(
  arch: 'llama' | 'gpt2',
  preset: 'tiny' | 'small' | 'bench' = 'tiny',
  seed: number = DEFAULT_TEST_SEED,
  kind: Partial<ModelKind> = {},
): Promise<string> {
  // Flags name the folder only when they differ from the layout's default (`-merged`, `-no-logitsToKeep`).
  const defaults: Record<string, unknown> = {
    ...withKindDefaults({ ...(kind.layout && { layout: kind.layout }) }),
  };
  const suffix = Object.entries(kind)
    .map(([k, v]) => {
      if (typeof v !== 'boolean') return `-${v}`;
      return v === defaults[k] ? '' : v ? `-${k}` : `-no-${k}`;
    })
    .join('');
  const dir = join(repoRoot, '.weft', 'models', `${arch}-${preset}-${seed}${suffix}`);
  return ensureModelDir(dir, { arch, preset, seed, kind });
}

/** `../shared/fixtures` next to the repository, or undefined when it is absent. */
export function sharedFixturesDir(): string | undefined {
  const dir = join(repoRoot, '..', 'shared', 'fixtures');
  return existsSync(dir) ? dir : undefined;
}

/** Put in the names of tests that `it.skipIf(!sharedFixturesDir())`. */
export const NO_FIXTURES_MESSAGE = 'needs ../shared/fixtures, skipped when that folder is absent';

/**
 * A Sentence-Transformers model from `weft model create --task embedding`, cached like the
 * decoders: an encoder for mean and CLS pooling, a llama decoder for last-token pooling.
 */
export async function ensureTinyEmbeddingModel(
  pooling: 'mean' | 'cls' | 'last_token' = 'mean',
  preset: 'tiny' | 'small' | 'bench' = 'tiny',
  seed: number = DEFAULT_TEST_SEED,
): Promise<string> {
  const arch = pooling === 'last_token' ? 'llama' : 'bert';
  const dir = join(repoRoot, '.weft', 'models', `embed-${arch}-${pooling}-${preset}-${seed}`);
  return ensureEmbeddingModelDir(dir, { arch, pooling, preset, seed });
}
