import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '@weft/llm';
import { describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

describe('a config.json whose vocab_size disagrees with the model', () => {
  it('is refused at load with both numbers, not at every prompt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-vocab-'));
    try {
      await cp(await ensureTinyModel('llama'), dir, { recursive: true });
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      const real = config.vocab_size as number;
      await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, vocab_size: real + 62 }));
      await expect(Engine.start(dir, { threads: 1 })).rejects.toThrow(
        `the config says vocab_size ${real + 62} but the ONNX logits have ${real} entries`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
