import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ModelBuildError } from '../errors/llm-errors.js';
import {
  createTinyEmbeddingModel,
  defaultPooling,
  type EmbeddingArch,
  type EmbeddingPooling,
} from './create-embedding-model.js';
import { type BuildProgress, createTinyModel } from './create-tiny-model.js';
import { type ModelKind, withKindDefaults } from './model-kind.js';
import type { TinyArch, TinyPreset } from './presets.js';

/**
 * Bumped whenever the builder's output changes, so cached test models are rebuilt instead of
 * silently disagreeing with the code.
 */
export const BUILDER_VERSION = 5;

// Distinguishes concurrent builds of one process (they share a pid and maybe a millisecond).
let buildCounter = 0;

/** Written last into a built directory: what built it and with which options. */
export const BUILD_MARKER = '.weft-model.json';

export interface EnsureModelDirOptions {
  arch: TinyArch;
  preset?: TinyPreset;
  seed?: number;
  /** Export flavour; part of what the marker records, so each kind gets its own build. */
  kind?: Partial<ModelKind>;
  /** A padded vocabulary (see `createTinyModel`); recorded in the marker when given. */
  vocabSize?: number;
  onProgress?: (progress: BuildProgress) => void;
}

/**
 * Returns `dir` holding a built model with these options, building it when it is missing or was
 * built by another builder version. Safe when several processes call it at once: each builds into
 * its own temporary sibling folder and renames it into place; a loser of the race keeps the
 * winner's (identical) result.
 */
export async function ensureModelDir(dir: string, options: EnsureModelDirOptions): Promise<string> {
  const { arch, preset = 'tiny', seed = 0, vocabSize } = options;
  const kind = withKindDefaults(options.kind);
  const padded = vocabSize === undefined ? {} : { vocabSize };
  // Callers in one process share one build; other processes are handled by the rename below.
  return buildOnce(
    dir,
    { builder: BUILDER_VERSION, arch, preset, seed, kind, ...padded },
    options.onProgress,
    (tmp, onProgress) =>
      createTinyModel(tmp, { arch, preset, seed, kind, ...padded, ...(onProgress ? { onProgress } : {}) }),
  );
}

export interface EnsureEmbeddingModelDirOptions {
  arch?: EmbeddingArch;
  preset?: TinyPreset;
  seed?: number;
  pooling?: EmbeddingPooling;
  onProgress?: (progress: BuildProgress) => void;
}

/** `ensureModelDir` for the embedding builder (`weft model create --task embedding`). */
export async function ensureEmbeddingModelDir(
  dir: string,
  options: EnsureEmbeddingModelDirOptions = {},
): Promise<string> {
  const { arch = 'bert', preset = 'tiny', seed = 0 } = options;
  const pooling = options.pooling ?? defaultPooling(arch);
  const wanted = { builder: BUILDER_VERSION, task: 'embedding', arch, preset, seed, pooling };
  return buildOnce(dir, wanted, options.onProgress, (tmp, onProgress) =>
    createTinyEmbeddingModel(tmp, { arch, preset, seed, pooling, ...(onProgress ? { onProgress } : {}) }),
  );
}

type Build = (tmp: string, onProgress: ((p: BuildProgress) => void) | undefined) => Promise<unknown>;

function buildOnce(
  dir: string,
  wanted: Record<string, unknown>,
  onProgress: ((p: BuildProgress) => void) | undefined,
  build: Build,
): Promise<string> {
  const key = JSON.stringify([dir, wanted]);
  let pending = inFlight.get(key);
  if (pending === undefined) {
    pending = buildIfNeeded(dir, wanted, onProgress, build).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

const inFlight = new Map<string, Promise<string>>();

async function buildIfNeeded(
  dir: string,
  wanted: Record<string, unknown>,
  report: ((p: BuildProgress) => void) | undefined,
  build: Build,
): Promise<string> {
  if (matchesMarker(dir, wanted)) return dir;
  if (existsSync(dir) && readdirSync(dir).length > 0 && readMarker(dir) === undefined) {
    throw new ModelBuildError(
      `"${dir}" exists and is not a model built by weft (no ${BUILD_MARKER}); refusing to overwrite it. Remove the folder or choose another path.`,
    );
  }
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${++buildCounter}-${Date.now()}`);
  try {
    // Progress names the folder the user asked for, not the temporary one.
    const onProgress =
      report && ((p: BuildProgress) => report({ ...p, message: p.message.replace(tmp, dir) }));
    await build(tmp, onProgress);
    writeFileSync(join(tmp, BUILD_MARKER), `${JSON.stringify(wanted)}\n`);
    if (matchesMarker(dir, wanted)) return dir;
    if (existsSync(dir)) {
      // An outdated build: move it aside first (rename onto a non-empty folder fails).
      const old = `${tmp}.old`;
      try {
        renameSync(dir, old);
        rmSync(old, { recursive: true, force: true });
      } catch {
        // Another process moved it already.
      }
    }
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!matchesMarker(dir, wanted)) throw err;
    }
    return dir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function readMarker(dir: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, BUILD_MARKER), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function matchesMarker(dir: string, wanted: Record<string, unknown>): boolean {
  const marker = readMarker(dir);
  return (
    marker !== undefined &&
    Object.entries(wanted).every(([k, v]) => JSON.stringify(marker[k]) === JSON.stringify(v))
  );
}
