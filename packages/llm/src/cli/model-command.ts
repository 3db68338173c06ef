import { resolve } from 'node:path';
import { type CliIo, parseCommandArgs, runSubcommand } from '@weft/framework';
import { createEmbeddingCommand } from '../builder/embedding-command.js';
import { ensureModelDir } from '../builder/ensure-model-dir.js';
import type { ModelKind } from '../builder/model-kind.js';
import { TINY_ARCHS, TINY_PRESETS, type TinyArch, type TinyPreset } from '../builder/presets.js';
import { LlmError } from '../errors/llm-errors.js';
import { inspectModel } from '../model/inspect-model.js';
import { optimizeModel } from '../model/optimize-model.js';

const USAGE = `usage: weft model <create|inspect|optimize> ... (each takes --help)
  weft model create DIR --arch llama|gpt2 [--preset tiny|small|bench] [--seed N]
                        [--attention standard|gqa] [--quant none|q4|q8] [--layout optimum|genai]
                        [--external-data] [--merged] [--logits-to-keep|--no-logits-to-keep]
                        [--vocab-size N]
  weft model create DIR --task embedding [--arch bert|llama] [--pooling mean|cls|last_token]
                        [--preset tiny|small|bench] [--seed N]
  weft model inspect DIR [--dtype fp32|fp16|q8|q4|...] [--coupled-rows per-row|batched]
  weft model optimize DIR [--dtype fp32|fp16|q8|q4|...] [--output FILE] [--append-kv]`;

const CREATE = {
  command: 'weft model create',
  usage: `usage: weft model create DIR --arch llama|gpt2 [--preset tiny|small|bench] [--seed N]
                        [--attention standard|gqa] [--quant none|q4|q8] [--layout optimum|genai]
                        [--external-data] [--merged] [--logits-to-keep|--no-logits-to-keep]
                        [--vocab-size N]
       weft model create DIR --task embedding [--arch bert|llama] [--pooling mean|cls|last_token]
                        [--preset tiny|small|bench] [--seed N]
  Writes a model directory with random weights (Optimum layout unless --layout genai).
  --arch      llama or gpt2 (text generation); bert (default) or llama (embedding)
  --task      text-generation (default) or embedding (a Sentence-Transformers directory: a BERT-style
              encoder, or with --arch llama a decoder with last-token pooling)
  --pooling   embedding only: mean, cls or last_token (default: mean for bert, last_token for llama)
  --preset    tiny (default), small or bench
  --seed      weights and tokenizer seed, 0 to 4294967295 (default 0)
  --logits-to-keep, --no-logits-to-keep
              whether the model has a num_logits_to_keep input, so a prefill computes the last
              position's logits only (default: with it for --layout optimum, without for genai)
  --vocab-size  pad the model's vocabulary beyond the tokenizer's 838 tokens (e.g. 32000, for an
              LM head of realistic size); the extra ids are never produced and never chosen`,
  options: {
    arch: { type: 'string' },
    preset: { type: 'string' },
    seed: { type: 'string' },
    task: { type: 'string' },
    pooling: { type: 'string' },
    attention: { type: 'string' },
    quant: { type: 'string' },
    layout: { type: 'string' },
    'external-data': { type: 'boolean' },
    merged: { type: 'boolean' },
    'logits-to-keep': { type: 'boolean' },
    'no-logits-to-keep': { type: 'boolean' },
    'vocab-size': { type: 'string' },
  },
  positionals: { name: 'DIR', min: 1, max: 1 },
} as const;

const INSPECT = {
  command: 'weft model inspect',
  usage: `usage: weft model inspect DIR [--dtype fp32|fp16|q8|q4|...] [--coupled-rows per-row|batched]
  Prints, as JSON, what Weft reads from a model directory.
  --dtype         which onnx/model_<dtype>.onnx variant to describe
  --coupled-rows  how the batching plan treats rows the model couples`,
  options: { dtype: { type: 'string' }, 'coupled-rows': { type: 'string' } },
  positionals: { name: 'DIR', min: 1, max: 1 },
} as const;

const OPTIMIZE = {
  command: 'weft model optimize',
  usage: `usage: weft model optimize DIR [--dtype fp32|fp16|q8|q4|...] [--output FILE] [--append-kv]
  Gives the decoder a num_logits_to_keep input, so a prefill runs the LM head on the last position
  only instead of every prompt position. Finds the LM head (MatMul, Gemm, MatMulNBits or
  MatMulInteger feeding the logits), slices its input on the sequence axis, checks with
  onnxruntime that the new model's logits equal the old one's, then replaces the ONNX file.
  Nothing is written when the model already has the input or the check fails.
  --dtype      which onnx/model_<dtype>.onnx variant to rewrite
  --output     write the new model here instead (next to the original when weights are external)
  --append-kv  also make each present KV output return the new positions only (present.N.key
               becomes present.N.key.new_positions); Weft appends them to the KV it keeps, so a
               decode step no longer copies the whole KV out of onnxruntime. Refused for
               GroupQueryAttention models (they write KV in place already) and packed KV; the
               result runs in Weft only`,
  options: { dtype: { type: 'string' }, output: { type: 'string' }, 'append-kv': { type: 'boolean' } },
  positionals: { name: 'DIR', min: 1, max: 1 },
} as const;

/** Value options of `create` that choose the export kind, with their accepted values. */
const KIND_CHOICES = {
  attention: ['standard', 'gqa'],
  quant: ['none', 'q4', 'q8'],
  layout: ['optimum', 'genai'],
} as const;

/** `weft model create|inspect|optimize`; returns the process exit code (0 ok, 1 failure, 2 usage). */
export function modelCommand(args: string[], io: CliIo): Promise<number> {
  return runSubcommand(
    'weft model',
    USAGE,
    {
      create: withLlmErrors('create', create),
      inspect: withLlmErrors('inspect', inspect),
      optimize: withLlmErrors('optimize', optimize),
    },
    args,
    io,
  );
}

/** An LlmError (a bad model directory, ...) is the command's failure: its code and message, exit 1. */
function withLlmErrors(name: string, command: (args: string[], io: CliIo) => Promise<number>) {
  return async (args: string[], io: CliIo): Promise<number> => {
    try {
      return await command(args, io);
    } catch (err) {
      if (!(err instanceof LlmError)) throw err;
      io.stderr(`weft model ${name}: ${err.code} ${err.message}\n`);
      return 1;
    }
  };
}

/** A usage problem of `spec`'s command: the problem and the usage on stderr, exit 2. */
function usageError(spec: { command: string; usage: string }, io: CliIo, problem: string): number {
  io.stderr(`${spec.command}: ${problem}\n${spec.usage}\n`);
  return 2;
}

async function create(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, CREATE, io);
  if (typeof parsed === 'number') return parsed;
  const usage = (problem: string) => usageError(CREATE, io, problem);
  const values = parsed.values;
  const given = parsed.positionals[0]!;
  const task = values.task ?? 'text-generation';
  if (task === 'embedding') {
    const options = new Map(
      Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    const problem = await createEmbeddingCommand(resolve(io.cwd, given), given, options, io);
    return problem === undefined ? 0 : usage(problem);
  }
  if (task !== 'text-generation') return usage(`--task "${task}" is not one of text-generation, embedding`);
  if (values.pooling !== undefined) return usage('--pooling is only for --task embedding');
  const kind: Partial<ModelKind> = {};
  for (const [name, choices] of Object.entries(KIND_CHOICES)) {
    const value = values[name as keyof typeof KIND_CHOICES];
    if (value === undefined) continue;
    if (!(choices as readonly string[]).includes(value)) {
      return usage(`--${name} "${value}" is not one of ${choices.join(', ')}`);
    }
    Object.assign(kind, { [name]: value });
  }
  if (values['external-data']) kind.externalData = true;
  if (values.merged) kind.merged = true;
  if (values['logits-to-keep'] && values['no-logits-to-keep']) {
    return usage('give one of --logits-to-keep and --no-logits-to-keep');
  }
  if (values['logits-to-keep']) kind.logitsToKeep = true;
  if (values['no-logits-to-keep']) kind.logitsToKeep = false;
  const { arch, preset = 'tiny', seed: seedText = '0' } = values;
  if (arch === undefined) return usage('missing --arch (llama or gpt2)');
  if (!TINY_ARCHS.includes(arch as TinyArch)) {
    return usage(`--arch "${arch}" is not one of ${TINY_ARCHS.join(', ')}`);
  }
  if (!TINY_PRESETS.includes(preset as TinyPreset)) {
    return usage(`--preset "${preset}" is not one of ${TINY_PRESETS.join(', ')}`);
  }
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    return usage(`--seed "${seedText}" must be an integer from 0 to 4294967295 (example: --seed 7)`);
  }
  const vocabText = values['vocab-size'];
  const vocabSize = vocabText === undefined ? undefined : Number(vocabText);
  if (vocabText !== undefined && !/^\d+$/.test(vocabText)) {
    return usage(`--vocab-size "${vocabText}" must be an integer (example: --vocab-size 32000)`);
  }
  const started = Date.now();
  await ensureModelDir(resolve(io.cwd, given), {
    arch: arch as TinyArch,
    preset: preset as TinyPreset,
    seed,
    kind,
    ...(vocabSize === undefined ? {} : { vocabSize }),
    onProgress: (p) => io.stderr(`weft model create: ${p.message}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const extras = Object.entries({ ...kind, ...(vocabSize === undefined ? {} : { vocabSize }) }).map(
    ([k, v]) => (v === true ? `, ${k}` : `, ${k} ${v}`),
  );
  io.stdout(`created ${given} (${arch}, preset ${preset}, seed ${seed}${extras.join('')}) in ${seconds}s\n`);
  return 0;
}

async function inspect(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, INSPECT, io);
  if (typeof parsed === 'number') return parsed;
  const { dtype, 'coupled-rows': coupledRows } = parsed.values;
  if (coupledRows !== undefined && coupledRows !== 'per-row' && coupledRows !== 'batched') {
    return usageError(INSPECT, io, `--coupled-rows "${coupledRows}" is not one of per-row, batched`);
  }
  const report = await inspectModel(resolve(io.cwd, parsed.positionals[0]!), {
    ...(dtype === undefined ? {} : { dtype }),
    ...(coupledRows === undefined ? {} : { batching: { coupledRows } }),
  });
  io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

async function optimize(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, OPTIMIZE, io);
  if (typeof parsed === 'number') return parsed;
  const { dtype, output, 'append-kv': appendKv } = parsed.values;
  const report = await optimizeModel(resolve(io.cwd, parsed.positionals[0]!), {
    ...(dtype === undefined ? {} : { dtype }),
    ...(output === undefined ? {} : { output: resolve(io.cwd, output) }),
    ...(appendKv && { appendKv }),
  });
  const kv = appendKv ? ' and new-position KV outputs' : '';
  if (report.output === undefined) {
    io.stdout(`${report.file} already has ${report.input}${kv}; nothing to do\n`);
    return 0;
  }
  const done: string[] = [];
  if (report.heads.length > 0) {
    const heads = report.heads.map((h) => `${h.op} on "${h.sliced}" (${h.graph} graph)`).join(', ');
    done.push(`${report.input} slices the input of ${heads}`);
  }
  if (report.appendedKv.length > 0) {
    done.push(`${report.appendedKv.length} KV outputs return new positions only`);
  }
  io.stdout(
    `wrote ${report.output}: ${done.join('; ')}; largest logit difference on the probe ${report.maxLogitDifference.toExponential(1)}\n`,
  );
  return 0;
}
