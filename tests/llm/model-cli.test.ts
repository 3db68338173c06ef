import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelCommand } from '@weft/llm';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../helpers/models.js';

const scratch = mkdtempSync(join(tmpdir(), 'weft-model-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fixtures = sharedFixturesDir();

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await modelCommand(args, {
    cwd: scratch,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

describe('weft model create / inspect', () => {
  it('creates a gpt2 model relative to cwd, with progress on stderr, and inspects it', async () => {
    const created = await run(['create', 'g2', '--arch', 'gpt2', '--seed=3']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created g2 \(gpt2, preset tiny, seed 3\) in \d+\.\ds\n$/);
    expect(created.stderr).toContain('weft model create: learning BPE merges from the shipped text\n');
    expect(created.stderr).toContain('weft model create: generating gpt2 tiny weights (seed 3)\n');
    expect(created.stderr).toContain(`weft model create: writing ${join(scratch, 'g2')}\n`);
    const inspected = await run(['inspect', 'g2']);
    expect(inspected.code).toBe(0);
    const dir = join(scratch, 'g2');
    const vocab = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).vocab_size;
    expect(JSON.parse(inspected.stdout)).toEqual({
      dir,
      layout: 'optimum',
      modelType: 'gpt2',
      architecture: 'GPT2LMHeadModel',
      onnxFile: join(dir, 'onnx', 'model.onnx'),
      dtype: 'fp32',
      availableDtypes: ['fp32'],
      externalDataFiles: [],
      vocabSize: vocab,
      layers: 2,
      heads: 4,
      kvHeads: 4,
      headSize: 16,
      kvDtype: 'float32',
      inputIdsDtype: 'int64',
      contextLength: 2048,
      bosTokenId: vocab - 3,
      eosTokenIds: [vocab - 1, vocab - 3],
      padTokenId: vocab - 3,
      chatTemplate: true,
      chatTemplateSource: 'tokenizer_config.json',
    });
  });

  it.skipIf(!fixtures)(`inspects the onnxruntime-genai fixture (${NO_FIXTURES_MESSAGE})`, async () => {
    const result = await run(['inspect', join(fixtures!, 'gpt2-tiny-random-genai')]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      layout: 'genai',
      kvDtype: 'float32',
      inputIdsDtype: 'int32',
      layers: 5,
      kvHeads: 4,
      headSize: 8,
      eosTokenIds: [98],
      chatTemplate: false,
    });
  });

  it('reports a truncated ONNX file by name with its code, exit 1', async () => {
    await run(['create', 'cut', '--arch', 'llama']);
    const file = join(scratch, 'cut', 'onnx', 'model.onnx');
    writeFileSync(file, readFileSync(file).subarray(0, 5000));
    const result = await run(['inspect', 'cut']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^weft model inspect: WEFT_ERR_MODEL_ONNX onnxruntime cannot load ${file.replace(/[.]/g, '\\.')}: `,
      ),
    );
  });

  it('refuses to overwrite a folder that is not a weft build', async () => {
    const dir = join(scratch, 'mine');
    cpSync(join(scratch, 'g2'), dir, { recursive: true });
    rmSync(join(dir, '.weft-model.json'));
    const result = await run(['create', 'mine', '--arch', 'llama']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `weft model create: WEFT_ERR_MODEL_BUILD "${dir}" exists and is not a model built by weft (no .weft-model.json); refusing to overwrite it. Remove the folder or choose another path.\n`,
    );
  });

  it.each([
    [['create', 'x'], 'missing --arch (llama or gpt2)'],
    [['create', 'x', '--arch', 'mistral'], '--arch "mistral" is not one of llama, gpt2'],
    [
      ['create', 'x', '--arch', 'llama', '--preset', 'huge'],
      '--preset "huge" is not one of tiny, small, bench',
    ],
    [
      ['create', 'x', '--arch', 'llama', '--seed', '-1'],
      '--seed "-1" must be an integer from 0 to 4294967295 (example: --seed 7)',
    ],
    [['create', 'x', '--arch', 'llama', '--seed'], 'option "--seed" needs a value'],
    [
      ['create', 'x', '--arch', 'llama', '--seed', '1.5'],
      '--seed "1.5" must be an integer from 0 to 4294967295 (example: --seed 7)',
    ],
    [['create', 'x', '--arhc', 'llama'], 'unknown option "--arhc" (options: --arch, --preset, --seed)'],
    [['inspect'], 'missing DIR'],
    [['frobnicate'], 'unknown subcommand "frobnicate"'],
  ])('usage error for %j', async (args, problem) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`weft model: ${problem}`);
    expect(result.stderr).toContain('usage: weft model <create|inspect> ...');
  });
});
