import { resolve } from 'node:path';
import type { CliIo } from '@weft/framework';
import { createEmbeddingCommand } from '../builder/embedding-command.js';
import { ensureModelDir } from '../builder/ensure-model-dir.js';
import type { ModelKind } from '../builder/model-kind.js';
import { TINY_ARCHS, TINY_PRESETS, type TinyArch, type TinyPreset } from '../builder/presets.js';
import { LlmError } from '../errors/llm-errors.js';
import { inspectModel } from '../model/inspect-model.js';

const USAGE = `usage: weft model <create|inspect> ...
  weft model create DIR --arch llama|gpt2 [--preset tiny|small|bench] [--seed N]
                        [--attention standard|gqa] [--quant none|q4|q8] [--layout optimum|genai]
                        [--external-data] [--merged]
  weft model create DIR --task embedding [--pooling mean|cls] [--preset tiny|small|bench] [--seed N]
  weft model inspect DIR [--dtype fp32|fp16|q8|q4|...] [--coupled-rows per-row|batched]`;

/** Value options of `create` that choose the export kind, with their accepted values. */
const KIND_CHOICES = {
  attention: ['standard', 'gqa'],
  quant: ['none', 'q4', 'q8'],
  layout: ['optimum', 'genai'],
} as const;

/** `weft model create|inspect`; returns the process exit code (0 ok, 1 failure, 2 usage). */
export async function modelCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'create':
        return await create(rest, io);
      case 'inspect':
        return await inspect(rest, io);
      default:
        return usage(io, sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`);
    }
  } catch (err) {
    if (err instanceof LlmError) {
      io.stderr(`weft model ${sub}: ${err.code} ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** Parses `DIR --name value... --flag`; returns an error message or the parts. */
function parseArgs(
  args: string[],
  known: readonly string[],
  flags: readonly string[] = [],
): { dir: string; options: Map<string, string> } | string {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (flags.includes(name)) {
      if (inline !== undefined) return `option "--${name}" is a flag and takes no value`;
      options.set(name, 'true');
      continue;
    }
    if (!known.includes(name)) {
      const all = [...known, ...flags];
      return `unknown option "--${name}" (options: ${all.map((k) => `--${k}`).join(', ')})`;
    }
    const value = inline ?? args[++i];
    if (value === undefined) return `option "--${name}" needs a value`;
    options.set(name, value);
  }
  if (positional.length !== 1) {
    return positional.length === 0
      ? 'missing DIR'
      : `expected one DIR, got ${positional.length}: ${positional.join(' ')}`;
  }
  return { dir: positional[0]!, options };
}

async function create(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(
    args,
    ['arch', 'preset', 'seed', 'task', 'pooling', ...Object.keys(KIND_CHOICES)],
    ['external-data', 'merged'],
  );
  if (typeof parsed === 'string') return usage(io, parsed);
  const task = parsed.options.get('task') ?? 'text-generation';
  if (task === 'embedding') {
    const problem = await createEmbeddingCommand(resolve(io.cwd, parsed.dir), parsed.dir, parsed.options, io);
    return problem === undefined ? 0 : usage(io, problem);
  }
  if (task !== 'text-generation')
    return usage(io, `--task "${task}" is not one of text-generation, embedding`);
  if (parsed.options.has('pooling')) return usage(io, '--pooling is only for --task embedding');
  const kind: Partial<ModelKind> = {};
  for (const [name, choices] of Object.entries(KIND_CHOICES)) {
    const value = parsed.options.get(name);
    if (value === undefined) continue;
    if (!(choices as readonly string[]).includes(value)) {
      return usage(io, `--${name} "${value}" is not one of ${choices.join(', ')}`);
    }
    Object.assign(kind, { [name]: value });
  }
  if (parsed.options.has('external-data')) kind.externalData = true;
  if (parsed.options.has('merged')) kind.merged = true;
  const arch = parsed.options.get('arch');
  if (arch === undefined) return usage(io, 'missing --arch (llama or gpt2)');
  if (!TINY_ARCHS.includes(arch as TinyArch)) {
    return usage(io, `--arch "${arch}" is not one of ${TINY_ARCHS.join(', ')}`);
  }
  const preset = parsed.options.get('preset') ?? 'tiny';
  if (!TINY_PRESETS.includes(preset as TinyPreset)) {
    return usage(io, `--preset "${preset}" is not one of ${TINY_PRESETS.join(', ')}`);
  }
  const seedText = parsed.options.get('seed') ?? '0';
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    return usage(io, `--seed "${seedText}" must be an integer from 0 to 4294967295 (example: --seed 7)`);
  }
  const dir = resolve(io.cwd, parsed.dir);
  const started = Date.now();
  await ensureModelDir(dir, {
    arch: arch as TinyArch,
    preset: preset as TinyPreset,
    seed,
    kind,
    onProgress: (p) => io.stderr(`weft model create: ${p.message}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const extras = Object.entries(kind).map(([k, v]) => (v === true ? `, ${k}` : `, ${k} ${v}`));
  io.stdout(
    `created ${parsed.dir} (${arch}, preset ${preset}, seed ${seed}${extras.join('')}) in ${seconds}s\n`,
  );
  return 0;
}

async function inspect(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, ['dtype', 'coupled-rows']);
  if (typeof parsed === 'string') return usage(io, parsed);
  const dtype = parsed.options.get('dtype');
  const coupledRows = parsed.options.get('coupled-rows');
  if (coupledRows !== undefined && coupledRows !== 'per-row' && coupledRows !== 'batched') {
    return usage(io, `--coupled-rows "${coupledRows}" is not one of per-row, batched`);
  }
  const report = await inspectModel(resolve(io.cwd, parsed.dir), {
    ...(dtype === undefined ? {} : { dtype }),
    ...(coupledRows === undefined ? {} : { batching: { coupledRows } }),
  });
  io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

function usage(io: CliIo, problem: string): number {
  io.stderr(`weft model: ${problem}\n${USAGE}\n`);
  return 2;
}
