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
      attention: ['Attention'],
      rowAlignment: 'left',
      rowCouplingOps: [],
      batchInvariance: 'batched',
      shareBuffer: false,
      appendKv: false,
      mergedDecoder: false,
      logitsToKeep: 'num_logits_to_keep',
    });
  });

  it.each([
    [
      ['--attention', 'gqa', '--layout', 'genai'],
      {
        layout: 'genai',
        onnxFile: 'model.onnx',
        attention: ['com.microsoft::GroupQueryAttention'],
        rowAlignment: 'right',
        batchInvariance: 'batched',
        shareBuffer: true,
        logitsToKeep: null,
      },
    ],
    [['--no-logits-to-keep'], { logitsToKeep: null }],
    [['--vocab-size', '1000'], { vocabSize: 1000 }],
    [['--layout', 'genai', '--logits-to-keep'], { layout: 'genai', logitsToKeep: 'num_logits_to_keep' }],
    [
      ['--quant', 'q8'],
      {
        dtype: 'q8',
        onnxFile: 'onnx/model_quantized.onnx',
        rowCouplingOps: ['DynamicQuantizeLinear'],
        batchInvariance: 'per-row',
      },
    ],
    [
      ['--quant', 'q4', '--external-data'],
      { dtype: 'q4', onnxFile: 'onnx/model_q4.onnx', externalDataFiles: ['onnx/model_q4.onnx_data'] },
    ],
    [['--merged'], { onnxFile: 'onnx/decoder_model_merged.onnx', mergedDecoder: true, rowAlignment: 'left' }],
  ])('creates and inspects the kind %j', async (flags, expected) => {
    const name = `kind-${flags.join('').replace(/-/g, '')}`;
    const created = await run(['create', name, '--arch', 'llama', ...flags]);
    expect(created.code).toBe(0);
    const report = JSON.parse((await run(['inspect', name])).stdout);
    const dir = join(scratch, name);
    const absolute = Object.fromEntries(
      Object.entries(expected).map(([k, v]) => [
        k,
        k === 'onnxFile'
          ? join(dir, v as string)
          : k === 'externalDataFiles'
            ? (v as string[]).map((f) => join(dir, f))
            : v,
      ]),
    );
    expect(report).toMatchObject({ kvDtype: 'float32', ...absolute });
  });

  it('inspect shows the trade when coupled rows are batched', async () => {
    await run(['create', 'q8b', '--arch', 'llama', '--quant', 'q8']);
    const report = JSON.parse((await run(['inspect', 'q8b', '--coupled-rows', 'batched'])).stdout);
    expect(report).toMatchObject({ rowCouplingOps: ['DynamicQuantizeLinear'], batchInvariance: 'coupled' });
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
      attention: ['com.microsoft::Attention'],
      rowAlignment: 'left',
      batchInvariance: 'batched',
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

  it('optimize adds num_logits_to_keep once, then has nothing to do; a refusal is exit 1 with its code', async () => {
    await run(['create', 'plain', '--arch', 'gpt2', '--no-logits-to-keep', '--external-data']);
    const file = join(scratch, 'plain', 'onnx', 'model.onnx');
    const first = await run(['optimize', 'plain']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      new RegExp(
        `^wrote ${file.replace(/[.]/g, '\\.')}: num_logits_to_keep slices the input of MatMul on "[^"]+" \\(main graph\\); largest logit difference on the probe 0\\.0e\\+0\n$`,
      ),
    );
    expect(JSON.parse((await run(['inspect', 'plain'])).stdout).logitsToKeep).toBe('num_logits_to_keep');
    expect(await run(['optimize', 'plain'])).toEqual({
      code: 0,
      stdout: `${file} already has num_logits_to_keep; nothing to do\n`,
      stderr: '',
    });
    await run(['create', 'plain2', '--arch', 'gpt2', '--no-logits-to-keep', '--external-data']);
    const refused = await run(['optimize', 'plain2', '--output', 'elsewhere.onnx']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^weft model optimize: WEFT_ERR_MODEL_OPTIMIZE .* keeps its weights in model\.onnx_data/,
    );
    const help = await run(['optimize', '--help']);
    expect(help.stdout).toContain(
      'usage: weft model optimize DIR [--dtype fp32|fp16|q8|q4|...] [--output FILE]',
    );
  });

  it('optimize --append-kv makes the KV outputs return new positions once; GroupQueryAttention is refused', async () => {
    await run(['create', 'appended', '--arch', 'llama']);
    const file = join(scratch, 'appended', 'onnx', 'model.onnx');
    const first = await run(['optimize', 'appended', '--append-kv']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      new RegExp(
        `^wrote ${file.replace(/[.]/g, '\\.')}: 4 KV outputs return new positions only; largest logit difference on the probe \\d\\.\\de[-+]\\d+\n$`,
      ),
    );
    expect(JSON.parse((await run(['inspect', 'appended'])).stdout)).toMatchObject({
      rowAlignment: 'left',
      shareBuffer: false,
      appendKv: true,
    });
    expect(await run(['optimize', 'appended', '--append-kv'])).toEqual({
      code: 0,
      stdout: `${file} already has num_logits_to_keep and new-position KV outputs; nothing to do\n`,
      stderr: '',
    });
    await run(['create', 'gqa', '--arch', 'llama', '--attention', 'gqa']);
    const refused = await run(['optimize', 'gqa', '--append-kv']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `weft model optimize: WEFT_ERR_MODEL_OPTIMIZE cannot make ${join(scratch, 'gqa', 'onnx', 'model.onnx')} return new KV positions only: it uses com.microsoft::GroupQueryAttention, which writes KV in place already (share-buffer)\n`,
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
      '--seed "-1" looks like an option; write --seed=-1 if it is the value',
    ],
    [
      ['create', 'x', '--arch', 'llama', '--seed=-1'],
      '--seed "-1" must be an integer from 0 to 4294967295 (example: --seed 7)',
    ],
    [['create', 'x', '--arch', 'llama', '--seed'], '--seed needs a value'],
    [
      ['create', 'x', '--arch', 'llama', '--seed', '1.5'],
      '--seed "1.5" must be an integer from 0 to 4294967295 (example: --seed 7)',
    ],
    [['create', 'x', '--arhc', 'llama'], 'unknown option "--arhc" (did you mean "--arch"?)'],
    [['create', 'x', 'y', '--arch', 'llama'], 'unexpected argument "y" (one DIR is allowed)'],
    [['create', 'x', '--arch', 'llama', '--quant', 'q3'], '--quant "q3" is not one of none, q4, q8'],
    [['create', 'x', '--arch', 'llama', '--merged=yes'], '--merged is a switch and takes no value'],
    [
      ['create', 'x', '--arch', 'llama', '--vocab-size', 'lots'],
      '--vocab-size "lots" must be an integer (example: --vocab-size 32000)',
    ],
    [
      ['create', 'x', '--arch', 'llama', '--logits-to-keep', '--no-logits-to-keep'],
      'give one of --logits-to-keep and --no-logits-to-keep',
    ],
  ])('usage error for %j', async (args, problem) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`weft model create: ${problem}`);
    expect(result.stderr).toContain('usage: weft model create DIR --arch llama|gpt2');
  });

  it.each([
    [['inspect'], 'weft model inspect: missing DIR', 'usage: weft model inspect DIR'],
    [
      ['inspect', 'x', '--coupled-rows', 'some'],
      'weft model inspect: --coupled-rows "some" is not one of per-row, batched',
      'usage: weft model inspect DIR',
    ],
    [
      ['frobnicate'],
      'weft model: unknown subcommand "frobnicate" (expected one of "create", "inspect", "optimize")',
      'usage: weft model <create|inspect|optimize>',
    ],
    [
      [],
      'weft model: missing subcommand (one of create, inspect, optimize)',
      'usage: weft model <create|inspect|optimize>',
    ],
  ])('usage error for %j', async (args, first, usage) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(first);
    expect(result.stderr).toContain(usage);
  });

  it.each([[['--help']], [['-h']], [['create', '--help']], [['inspect', '-h', 'x']]])(
    '%j prints the usage on stdout, exit 0',
    async (args) => {
      const result = await run(args);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^usage: weft model /);
    },
  );

  it('--task embedding --arch llama writes a decoder embedding directory with last-token pooling', async () => {
    const created = await run(['create', 'emb', '--task', 'embedding', '--arch', 'llama']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^created emb \(embedding, llama, last_token pooling, preset tiny, seed 0\) in \d+\.\ds\n$/,
    );
    const read = (file: string) => JSON.parse(readFileSync(join(scratch, 'emb', file), 'utf8'));
    expect(read('config.json')).toMatchObject({ model_type: 'llama', architectures: ['LlamaModel'] });
    expect(read('1_Pooling/config.json')).toMatchObject({
      pooling_mode_lasttoken: true,
      pooling_mode_mean_tokens: false,
      pooling_mode_cls_token: false,
    });
    expect(read('modules.json').map((m: { type: string }) => m.type)).toEqual([
      'sentence_transformers.models.Transformer',
      'sentence_transformers.models.Pooling',
      'sentence_transformers.models.Normalize',
    ]);
    expect(read('tokenizer_config.json')).toMatchObject({ padding_side: 'left', eos_token: '<|endoftext|>' });
    const refused = await run(['create', 'emb2', '--task', 'embedding', '--arch', 'gpt2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--arch "gpt2" is not one of bert, llama with --task embedding');
    const pooling = await run(['create', 'emb3', '--task', 'embedding', '--pooling', 'max']);
    expect(pooling.stderr).toContain('--pooling "max" is not one of mean, cls, last_token');
  });
});
