import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

describe('ensureTinyModel', () => {
  it('builds the tiny llama once into .weft/models and reuses it', async () => {
    const dir = await ensureTinyModel('llama');
    expect(dir.endsWith(join('.weft', 'models', 'llama-tiny-0'))).toBe(true);
    const marker = JSON.parse(readFileSync(join(dir, '.weft-model.json'), 'utf8'));
    expect(marker).toMatchObject({ arch: 'llama', preset: 'tiny', seed: 0 });
    expect(existsSync(join(dir, 'onnx', 'model.onnx'))).toBe(true);
    const before = readFileSync(join(dir, 'onnx', 'model.onnx'));
    expect(await ensureTinyModel('llama')).toBe(dir);
    expect(readFileSync(join(dir, 'onnx', 'model.onnx')).equals(before)).toBe(true);
  });
});
