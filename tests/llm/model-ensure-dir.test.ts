import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_MARKER, BUILDER_VERSION, ensureModelDir, ModelBuildError } from '@weft/llm';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'weft-ensure-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('ensureModelDir', () => {
  it('shares one build between concurrent callers, leaving no temporary folders', async () => {
    const dir = join(scratch, 'concurrent');
    const results = await Promise.all([1, 2, 3].map(() => ensureModelDir(dir, { arch: 'gpt2', seed: 4 })));
    expect(results).toEqual([dir, dir, dir]);
    expect(readdirSync(scratch)).toEqual(['concurrent']);
    expect(JSON.parse(readFileSync(join(dir, BUILD_MARKER), 'utf8'))).toEqual({
      builder: BUILDER_VERSION,
      arch: 'gpt2',
      preset: 'tiny',
      seed: 4,
      kind: {
        attention: 'standard',
        quant: 'none',
        layout: 'optimum',
        externalData: false,
        merged: false,
        logitsToKeep: true,
      },
    });
  });

  it('rebuilds a directory built with other options or by an older builder', async () => {
    const dir = join(scratch, 'rebuild');
    await ensureModelDir(dir, { arch: 'llama', seed: 1 });
    const first = readFileSync(join(dir, 'onnx', 'model.onnx'));
    await ensureModelDir(dir, { arch: 'llama', seed: 2 });
    expect(readFileSync(join(dir, 'onnx', 'model.onnx')).equals(first)).toBe(false);
    writeFileSync(
      join(dir, BUILD_MARKER),
      JSON.stringify({ builder: 0, arch: 'llama', preset: 'tiny', seed: 1 }),
    );
    await ensureModelDir(dir, { arch: 'llama', seed: 1 });
    expect(readFileSync(join(dir, 'onnx', 'model.onnx')).equals(first)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, BUILD_MARKER), 'utf8')).builder).toBe(BUILDER_VERSION);
  });

  it('builds into an existing empty folder but never over foreign files', async () => {
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    await ensureModelDir(empty, { arch: 'llama' });
    expect(readdirSync(empty).sort()).toEqual([
      '.weft-model.json',
      'config.json',
      'generation_config.json',
      'onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const foreign = join(scratch, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(ensureModelDir(foreign, { arch: 'llama' })).rejects.toThrow(ModelBuildError);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });
});
