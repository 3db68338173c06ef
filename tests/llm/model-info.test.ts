import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  layerName,
  loadModelInfo,
  ModelConfigError,
  ModelDirError,
  ModelDtypeError,
  ModelOnnxError,
} from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, NO_FIXTURES_MESSAGE, sharedFixturesDir } from '../helpers/models.js';

const fixtures = sharedFixturesDir();
const scratch = mkdtempSync(join(tmpdir(), 'weft-model-info-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let tinyLlama = '';
beforeAll(async () => {
  tinyLlama = await ensureTinyModel('llama');
});

/** A private copy of the tiny llama to damage. */
function copyOfTiny(name: string): string {
  const dir = join(scratch, name);
  cpSync(tinyLlama, dir, { recursive: true });
  return dir;
}

/** A copy of a (read-only) fixture folder that the test may change and delete. */
function writableCopy(src: string, name: string): string {
  const dir = join(scratch, name);
  cpSync(src, dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
  return dir;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('loadModelInfo on third-party fixtures', () => {
  it.skipIf(!fixtures)(`reads the Optimum gpt2 export (${NO_FIXTURES_MESSAGE})`, () => {
    const dir = join(fixtures!, 'gpt2-tiny-random-optimum');
    const info = loadModelInfo(dir);
    expect(info).toMatchObject({
      dir,
      layout: 'optimum',
      modelType: 'gpt2',
      architecture: 'GPT2LMHeadModel',
      onnxFile: join(dir, 'onnx', 'model.onnx'),
      externalDataFiles: [],
      dtype: 'fp32',
      availableDtypes: ['fp32'],
      vocabSize: 1000,
      hiddenSize: 32,
      numLayers: 5,
      numHeads: 4,
      numKvHeads: 4,
      headDim: 8,
      contextLength: 512,
      bosTokenId: 98,
      eosTokenIds: [98],
      padTokenId: 98,
      tokenizerFile: join(dir, 'tokenizer.json'),
      io: {
        inputIds: 'input_ids',
        attentionMask: 'attention_mask',
        positionIds: 'position_ids',
        logits: 'logits',
        pastKey: 'past_key_values.%d.key',
        pastValue: 'past_key_values.%d.value',
        presentKey: 'present.%d.key',
        presentValue: 'present.%d.value',
        packedKv: false,
      },
    });
    expect(info.chatTemplate).toBeUndefined();
    expect(info.tokenizerConfig.eos_token).toBe('<|endoftext|>');
  });

  it.skipIf(!fixtures)(`reads the onnxruntime-genai gpt2 export (${NO_FIXTURES_MESSAGE})`, () => {
    const dir = join(fixtures!, 'gpt2-tiny-random-genai');
    const info = loadModelInfo(dir);
    expect(info).toMatchObject({
      layout: 'genai',
      modelType: 'gpt2',
      onnxFile: join(dir, 'past.onnx'),
      dtype: 'default',
      vocabSize: 1000,
      numLayers: 5,
      numHeads: 4,
      numKvHeads: 4,
      headDim: 8,
      contextLength: 512,
      bosTokenId: 98,
      eosTokenIds: [98],
      padTokenId: 98,
      io: {
        inputIds: 'input_ids',
        pastKey: 'past_%d',
        pastValue: 'past_%d',
        presentKey: 'present_%d',
        presentValue: 'present_%d',
        packedKv: true,
      },
    });
    expect(info.architecture).toBeUndefined();
  });
});

describe('loadModelInfo on a genai config with split KV names and search defaults', () => {
  it.skipIf(!fixtures)(
    `reads key/value name templates and the search section (${NO_FIXTURES_MESSAGE})`,
    () => {
      const dir = writableCopy(join(fixtures!, 'gpt2-tiny-random-genai'), 'genai-split');
      const config = JSON.parse(readFileSync(join(dir, 'genai_config.json'), 'utf8'));
      config.model.eos_token_id = [98, 99];
      config.model.decoder.num_attention_heads = 8;
      config.model.decoder.inputs = {
        input_ids: 'ids',
        past_key_names: 'past_key_values.%d.key',
        past_value_names: 'past_key_values.%d.value',
      };
      config.model.decoder.outputs = {
        present_key_names: 'present.%d.key',
        present_value_names: 'present.%d.value',
      };
      config.search = { max_length: 64, do_sample: true, top_k: 5, top_p: 0.9, temperature: 0.7 };
      writeFileSync(join(dir, 'genai_config.json'), JSON.stringify(config));
      const info = loadModelInfo(dir);
      expect(info.io).toEqual({
        inputIds: 'ids',
        attentionMask: 'attention_mask',
        positionIds: 'position_ids',
        logits: 'logits',
        pastKey: 'past_key_values.%d.key',
        pastValue: 'past_key_values.%d.value',
        presentKey: 'present.%d.key',
        presentValue: 'present.%d.value',
        packedKv: false,
      });
      expect(info.eosTokenIds).toEqual([98, 99]);
      expect(info.numHeads).toBe(8);
      expect(info.numKvHeads).toBe(4);
      expect(info.generation).toEqual({
        maxLength: 64,
        doSample: true,
        topK: 5,
        topP: 0.9,
        temperature: 0.7,
      });
      expect(layerName(info.io.pastValue, 3)).toBe('past_key_values.3.value');
    },
  );

  it.skipIf(!fixtures)(`names the missing decoder file of a genai config (${NO_FIXTURES_MESSAGE})`, () => {
    const dir = writableCopy(join(fixtures!, 'gpt2-tiny-random-genai'), 'genai-missing');
    rmSync(join(dir, 'past.onnx'), { force: true });
    const err = thrown(() => loadModelInfo(dir));
    expect(err).toBeInstanceOf(ModelDirError);
    expect(err.message).toBe(
      `${join(dir, 'genai_config.json')} names the decoder "past.onnx", but ${join(dir, 'past.onnx')} does not exist`,
    );
  });
});

describe('loadModelInfo on built models', () => {
  it('reads the tiny llama: grouped KV heads, ChatML eos ids, template from tokenizer_config', () => {
    const info = loadModelInfo(tinyLlama);
    expect(info).toMatchObject({
      layout: 'optimum',
      modelType: 'llama',
      architecture: 'LlamaForCausalLM',
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      hiddenSize: 64,
      contextLength: 2048,
      chatTemplateSource: 'tokenizer_config.json',
      generation: { doSample: false },
    });
    expect(info.eosTokenIds).toEqual([info.vocabSize - 1, info.vocabSize - 3]);
    expect(info.chatTemplate).toContain('<|im_start|>');
  });

  it('prefers chat_template.jinja over tokenizer_config.json', () => {
    const dir = copyOfTiny('jinja');
    writeFileSync(join(dir, 'chat_template.jinja'), '{{ messages[0].content }}');
    const info = loadModelInfo(dir);
    expect(info.chatTemplate).toBe('{{ messages[0].content }}');
    expect(info.chatTemplateSource).toBe('chat_template.jinja');
  });

  it('chooses dtype variants and finds external data files', () => {
    const dir = copyOfTiny('dtypes');
    cpSync(join(dir, 'onnx', 'model.onnx'), join(dir, 'onnx', 'model_q4.onnx'));
    writeFileSync(join(dir, 'onnx', 'model_q4.onnx_data'), 'weights');
    expect(loadModelInfo(dir).onnxFile).toBe(join(dir, 'onnx', 'model.onnx'));
    const q4 = loadModelInfo(dir, { dtype: 'q4' });
    expect(q4.onnxFile).toBe(join(dir, 'onnx', 'model_q4.onnx'));
    expect(q4.dtype).toBe('q4');
    expect(q4.availableDtypes).toEqual(['fp32', 'q4']);
    expect(q4.externalDataFiles).toEqual([join(dir, 'onnx', 'model_q4.onnx_data')]);
    const err = thrown(() => loadModelInfo(dir, { dtype: 'fp16' }));
    expect(err).toBeInstanceOf(ModelDtypeError);
    expect((err as ModelDtypeError).code).toBe('WEFT_ERR_MODEL_DTYPE');
    expect(err.message).toBe(`dtype "fp16" is not in ${dir}; variants present: fp32, q4`);
  });
});

describe('loadModelInfo on directories that cannot be served', () => {
  it('names a missing tokenizer.json', () => {
    const dir = copyOfTiny('no-tokenizer');
    rmSync(join(dir, 'tokenizer.json'));
    const err = thrown(() => loadModelInfo(dir));
    expect(err).toBeInstanceOf(ModelDirError);
    expect((err as ModelDirError).code).toBe('WEFT_ERR_MODEL_DIR');
    expect((err as ModelDirError).file).toBe(join(dir, 'tokenizer.json'));
    expect(err.message).toMatch(/^.*no-tokenizer has no tokenizer\.json;/);
  });

  it('names a corrupt ONNX file', () => {
    const dir = copyOfTiny('corrupt-onnx');
    writeFileSync(join(dir, 'onnx', 'model.onnx'), '<html>404 Not Found</html>');
    const err = thrown(() => loadModelInfo(dir));
    expect(err).toBeInstanceOf(ModelOnnxError);
    expect((err as ModelOnnxError).code).toBe('WEFT_ERR_MODEL_ONNX');
    expect(err.message).toBe(
      `${join(dir, 'onnx', 'model.onnx')} is not an ONNX model (first byte 0x3c is not an ONNX ModelProto field); re-export or re-download it`,
    );
  });

  it('recognises a Git LFS pointer in place of the ONNX file', () => {
    const dir = copyOfTiny('lfs-pointer');
    const file = join(dir, 'onnx', 'model.onnx');
    writeFileSync(file, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1234\n');
    const err = thrown(() => loadModelInfo(dir));
    expect(err).toBeInstanceOf(ModelOnnxError);
    expect(err.message).toBe(
      `${file} is a Git LFS pointer, not the model; fetch the weights (\`git lfs pull\` in the model repository) or download the file itself`,
    );
  });

  it('names a missing ONNX file', () => {
    const dir = copyOfTiny('no-onnx');
    rmSync(join(dir, 'onnx'), { recursive: true });
    const err = thrown(() => loadModelInfo(dir));
    expect(err).toBeInstanceOf(ModelDirError);
    expect(err.message).toContain(`no ONNX decoder in ${dir}: expected onnx/model.onnx`);
  });

  it('names the missing config key and its accepted spellings', () => {
    const dir = copyOfTiny('no-layers');
    const config = { model_type: 'llama', vocab_size: 10, num_attention_heads: 2, hidden_size: 8 };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const err = thrown(() => loadModelInfo(dir));
    expect(err).toBeInstanceOf(ModelConfigError);
    expect((err as ModelConfigError).code).toBe('WEFT_ERR_MODEL_CONFIG');
    expect(err.message).toBe(
      `${join(dir, 'config.json')} does not say the number of layers: expected one of "num_hidden_layers", "n_layer", "num_layers"`,
    );
  });

  it('names a config that is not JSON, and a bad eos id', () => {
    const dir = copyOfTiny('bad-json');
    writeFileSync(join(dir, 'config.json'), '{"model_type": ');
    expect(thrown(() => loadModelInfo(dir)).message).toMatch(/config\.json is not valid JSON \(/);
    const dir2 = copyOfTiny('bad-eos');
    writeFileSync(join(dir2, 'generation_config.json'), '{"eos_token_id": "</s>"}');
    expect(thrown(() => loadModelInfo(dir2)).message).toBe(
      `${join(dir2, 'generation_config.json')}: "eos_token_id" must be a token id or a list of token ids, found "</s>"`,
    );
  });

  it('rejects a folder that is no model and a path that does not exist', () => {
    const empty = join(scratch, 'empty');
    cpSync(join(tinyLlama, 'onnx'), join(empty, 'onnx'), { recursive: true });
    expect(thrown(() => loadModelInfo(empty)).message).toMatch(
      /has neither config\.json .* nor genai_config\.json/,
    );
    const missing = join(scratch, 'nope');
    const err = thrown(() => loadModelInfo(missing));
    expect(err).toBeInstanceOf(ModelDirError);
    expect(err.message).toBe(`model directory not found: ${missing}`);
  });
});
