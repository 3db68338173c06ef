import { resolve } from 'node:path';
import { type CliIo, parseCommandArgs, runSubcommand } from '@weft/framework';
import { ensureModelDir } from '../builder/ensure-model-dir.js';
import { TINY_ARCHS, TINY_PRESETS, type TinyArch, type TinyPreset } from '../builder/presets.js';
import { LlmError } from '../errors/llm-errors.js';
import { inspectModel } from '../model/inspect-model.js';

const USAGE = `usage: weft model <create|inspect> ... (each takes --help)
  weft model create DIR --arch llama|gpt2 [--preset tiny|small|bench] [--seed N]
  weft model inspect DIR [--dtype fp32|fp16|q8|q4|...]`;

const CREATE = {
  command: 'weft model create',
  usage: `usage: weft model create DIR --arch llama|gpt2 [--preset tiny|small|bench] [--seed N]
  Writes a model directory with random weights (Optimum layout: config, tokenizer, onnx/model.onnx).
  --arch     llama or gpt2
  --preset   tiny (default), small or bench
  --seed     weights and tokenizer seed, 0 to 4294967295 (default 0)`,
  options: { arch: { type: 'string' }, preset: { type: 'string' }, seed: { type: 'string' } },
  positionals: { name: 'DIR', min: 1, max: 1 },
} as const;

const INSPECT = {
  command: 'weft model inspect',
  usage: `usage: weft model inspect DIR [--dtype fp32|fp16|q8|q4|...]
  Prints, as JSON, what Weft reads from a model directory.
  --dtype    which onnx/model_<dtype>.onnx variant to describe`,
  options: { dtype: { type: 'string' } },
  positionals: { name: 'DIR', min: 1, max: 1 },
} as const;

/** `weft model create|inspect`; returns the process exit code (0 ok, 1 failure, 2 usage). */
export function modelCommand(args: string[], io: CliIo): Promise<number> {
  return runSubcommand(
    'weft model',
    USAGE,
    { create: withLlmErrors('create', create), inspect: withLlmErrors('inspect', inspect) },
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

async function create(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, CREATE, io);
  if (typeof parsed === 'number') return parsed;
  const usage = (problem: string) => {
    io.stderr(`${CREATE.command}: ${problem}\n${CREATE.usage}\n`);
    return 2;
  };
  const { arch, preset = 'tiny', seed: seedText = '0' } = parsed.values;
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
  const given = parsed.positionals[0]!;
  const started = Date.now();
  await ensureModelDir(resolve(io.cwd, given), {
    arch: arch as TinyArch,
    preset: preset as TinyPreset,
    seed,
    onProgress: (p) => io.stderr(`weft model create: ${p.message}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.stdout(`created ${given} (${arch}, preset ${preset}, seed ${seed}) in ${seconds}s\n`);
  return 0;
}

async function inspect(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, INSPECT, io);
  if (typeof parsed === 'number') return parsed;
  const { dtype } = parsed.values;
  const report = await inspectModel(
    resolve(io.cwd, parsed.positionals[0]!),
    dtype === undefined ? {} : { dtype },
  );
  io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}
