import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModelDirError, ModelDtypeError, ModelOnnxError } from '../errors/llm-errors.js';

/** File-name suffixes of the Optimum / transformers.js dtype variants, in default-preference order. */
export const DTYPE_SUFFIXES: Readonly<Record<string, string>> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};
const DTYPE_ALIASES: Readonly<Record<string, string>> = { quantized: 'q8', float32: 'fp32', float16: 'fp16' };
// Newer exports call the decoder `model`, older Optimum exports `decoder_model_merged`.
const BASE_NAMES = ['model', 'decoder_model_merged'];

export interface OnnxChoice {
  file: string;
  dtype: string;
  available: string[];
}

/** Picks the ONNX file of an Optimum directory (in `onnx/` or at the top level) for a dtype. */
export function chooseOnnxVariant(dir: string, dtype?: string): OnnxChoice {
  const found = new Map<string, string>();
  for (const sub of ['onnx', '.']) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    const names = new Set(readdirSync(folder));
    for (const [variant, suffix] of Object.entries(DTYPE_SUFFIXES)) {
      for (const base of BASE_NAMES) {
        const name = `${base}${suffix}.onnx`;
        if (!found.has(variant) && names.has(name)) found.set(variant, join(folder, name));
      }
    }
  }
  const available = [...found.keys()];
  if (available.length === 0) {
    throw new ModelDirError(
      `no ONNX decoder in ${dir}: expected onnx/model.onnx (or a dtype variant such as onnx/model_fp16.onnx, onnx/model_q4.onnx)`,
      join(dir, 'onnx', 'model.onnx'),
    );
  }
  if (dtype === undefined) return { file: found.get(available[0]!)!, dtype: available[0]!, available };
  const wanted = DTYPE_ALIASES[dtype] ?? dtype;
  const file = found.get(wanted);
  if (file === undefined) {
    const known = Object.keys(DTYPE_SUFFIXES);
    const hint = known.includes(wanted) ? '' : ` (known dtypes: ${known.join(', ')})`;
    throw new ModelDtypeError(
      `dtype "${dtype}" is not in ${dir}${hint}; variants present: ${available.join(', ')}`,
    );
  }
  return { file, dtype: wanted, available };
}

/** External weight files that belong to an ONNX file: `x.onnx_data`, `x.onnx_data_1`, `x.onnx.data`... */
export function findExternalData(onnxFile: string): string[] {
  const dir = join(onnxFile, '..');
  const base = onnxFile.slice(dir.length + 1);
  const stem = base.replace(/\.onnx$/, '');
  return readdirSync(dir)
    .filter(
      (name) =>
        name.startsWith(`${base}_data`) ||
        name === `${base}.data` ||
        (name !== base && name.startsWith(`${stem}.onnx.data`)),
    )
    .sort()
    .map((name) => join(dir, name));
}

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

// Protobuf field numbers that may start a ModelProto (ir_version, opset_import, producer, graph...).
const MODEL_PROTO_FIELDS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 14, 20, 25]);

/**
 * Cheap check that a file can be an ONNX model: it exists, is not empty, and its first byte is a
 * protobuf tag of a ModelProto field. Catches text, HTML error pages and zeroed files without
 * reading the weights; a truncated model is caught when onnxruntime opens it.
 */
export function checkOnnxHeader(file: string): void {
  if (!existsSync(file)) throw new ModelDirError(`ONNX file not found: ${file}`, file);
  const size = statSync(file).size;
  if (size === 0) throw new ModelOnnxError(`${file} is empty (0 bytes); re-export or re-download it`, file);
  const head = Buffer.alloc(64);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1').startsWith(LFS_POINTER)) {
    throw new ModelOnnxError(
      `${file} is a Git LFS pointer, not the model; fetch the weights (\`git lfs pull\` in the model repository) or download the file itself`,
      file,
    );
  }
  const tag = head[0]!;
  const field = tag >> 3;
  const wire = tag & 7;
  if (!MODEL_PROTO_FIELDS.has(field) || ![0, 2].includes(wire)) {
    throw new ModelOnnxError(
      `${file} is not an ONNX model (first byte 0x${tag.toString(16).padStart(2, '0')} is not an ONNX ModelProto field); re-export or re-download it`,
      file,
    );
  }
}

/** Wraps an onnxruntime session-creation failure so the message names the file. */
export function onnxLoadError(file: string, err: unknown): ModelOnnxError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ModelOnnxError(`onnxruntime cannot load ${file}: ${reason}`, file, { cause: err });
}
