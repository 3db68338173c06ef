import { ModelOptimizeError } from '../errors/llm-errors.js';
import { LOGITS_TO_KEEP_INPUT } from './decoder-common.js';
import {
  defaultOpset,
  type GraphMsg,
  int64Tensor,
  type ModelMsg,
  type NodeMsg,
  plainNode,
  qualified,
  type ValueInfoMsg,
} from './onnx-messages.js';
import { ModelProto, OnnxDataType } from './onnx-proto.js';

/** Where the rewrite put the slice, per graph (`main`, or the branches of a merged decoder's `If`). */
export interface LogitsToKeepRewrite {
  /** The rewritten ONNX model. */
  model: Uint8Array;
  /**
   * Per graph: the LM head's operator, the value sliced before it (e.g. `MatMul` on
   * `/model/norm/output_0`) and every operator between that value and the logits.
   */
  heads: { graph: string; op: string; sliced: string; ops: string[] }[];
}

/** Names the optimize step uses for the input (transformers'), and for newer exports. */
const KEEP_INPUTS = [LOGITS_TO_KEEP_INPUT, 'logits_to_keep'];

/** Ops that compute the logits from the hidden states one position at a time (the LM head). */
const HEAD_OPS = new Set([
  'MatMul',
  'Gemm',
  'com.microsoft::MatMulNBits',
  'com.microsoft::FusedMatMul',
  'MatMulInteger',
]);
/**
 * Ops allowed between the hidden states and the logits: each output position depends on the same
 * input position only (dynamic quantization computes one scale over the tensor: documented).
 */
const POSITIONWISE = new Set([
  ...HEAD_OPS,
  'Identity',
  'Cast',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Tanh',
  'Softcap',
  'DynamicQuantizeLinear',
  'DequantizeLinear',
  'QuantizeLinear',
]);

/**
 * Adds a scalar int64 `num_logits_to_keep` input to a decoder (the one recent transformers.js
 * exports have): the LM head then reads `hidden[:, -num_logits_to_keep:, :]` (0 = every position).
 * The value sliced is the closest one every path to `logits` goes through (the LM head's input, or
 * the input of the dynamic quantization before it); in a merged decoder, in both branches of the
 * `If`. Throws `ModelOptimizeError` when the model already has the input, or when no LM head made
 * of position-wise ops can be found.
 */
export function addLogitsToKeep(bytes: Uint8Array, file: string, logits = 'logits'): LogitsToKeepRewrite {
  const model = ModelProto.decode(bytes) as unknown as ModelMsg;
  const graph = model.graph;
  const fail = (why: string) =>
    new ModelOptimizeError(`cannot add ${LOGITS_TO_KEEP_INPUT} to ${file}: ${why}`);
  if (!graph) throw fail('the file has no graph');
  const present = graph.input.find((i) => KEEP_INPUTS.includes(i.name));
  if (present) throw fail(`it already has an input "${present.name}"; nothing to do`);
  const opset = defaultOpset(model);
  if (opset < 10) throw fail(`its opset ${opset} has no Slice with tensor inputs (opset 10 or later needed)`);
  const out = graph.output.find((o) => o.name === logits);
  if (!out) throw fail(`no graph output named "${logits}"`);
  const rank = out.type?.tensorType?.shape?.dim.length;
  if (rank !== undefined && rank !== 3)
    throw fail(`output "${logits}" has rank ${rank}, expected [batch, sequence, vocab]`);

  const heads: LogitsToKeepRewrite['heads'] = [];
  sliceBeforeHead(graph, 'main', logits, new Set(), heads, fail);
  graph.input.push(scalarInt64Input(LOGITS_TO_KEEP_INPUT));
  graph.initializer.push(
    int64Tensor(SLICE_ZERO, [], [0n]),
    int64Tensor(SLICE_SHAPE, [1], [1n]),
    int64Tensor(SLICE_END, [1], [9223372036854775807n]),
    int64Tensor(SLICE_AXIS, [1], [1n]),
  );
  renameSequenceDim(out);
  return { model: ModelProto.encode(model as never).finish(), heads };
}

const PREFIX = '/weft/logits_to_keep';
const SLICE_ZERO = `${PREFIX}/zero`;
const SLICE_SHAPE = `${PREFIX}/shape_1`;
const SLICE_END = `${PREFIX}/end`;
const SLICE_AXIS = `${PREFIX}/axis_1`;

/** Finds the LM head of `graph` behind output `name` and slices its input (recursing into an `If`). */
function sliceBeforeHead(
  graph: GraphMsg,
  label: string,
  name: string,
  outer: ReadonlySet<string>,
  heads: LogitsToKeepRewrite['heads'],
  fail: (why: string) => Error,
): void {
  const producer = new Map<string, number>();
  graph.node.forEach((n, i) => {
    for (const o of n.output) producer.set(o, i);
  });
  const constants = new Set(outer);
  for (const init of graph.initializer) constants.add(init.name);
  for (const s of graph.sparseInitializer) if (s.values) constants.add(s.values.name);
  const isConstant = (value: string, seen = new Set<string>()): boolean => {
    if (value === '' || constants.has(value)) return true;
    const at = producer.get(value);
    if (at === undefined || seen.has(value)) return false;
    seen.add(value);
    const n = graph.node[at]!;
    const result = n.opType === 'Constant' || n.input.every((i) => isConstant(i, seen));
    if (result) constants.add(value);
    return result;
  };

  const last = producer.get(name);
  if (last === undefined) throw fail(`"${name}" is not computed by a node of the ${label} graph`);
  const lastNode = graph.node[last]!;
  if (lastNode.opType === 'If') {
    // A merged decoder: the logits come out of both branches.
    const k = lastNode.output.indexOf(name);
    for (const a of lastNode.attribute) {
      if (!a.g) continue;
      const branchOut = a.g.output[k];
      if (!branchOut) throw fail(`branch ${a.name} of the If has no output ${k}`);
      sliceBeforeHead(a.g, a.name, branchOut.name, constants, heads, fail);
      renameSequenceDim(branchOut);
    }
    return;
  }

  // Walk back from the logits, always expanding the pending value computed last (graph order is
  // topological): once a single value is pending, every path from the inputs to the logits goes
  // through it. The first such value behind an LM head is what gets sliced.
  const region = new Set<number>();
  const pending = new Map<string, number>([[name, last]]);
  const hasHead = () => [...region].some((i) => HEAD_OPS.has(qualified(graph.node[i]!)));
  while (pending.size !== 1 || !hasHead()) {
    let at = -1;
    let value = '';
    for (const [v, i] of pending) if (i > at) [at, value] = [i, v];
    if (at < 0) {
      throw fail(
        `no LM head (${[...HEAD_OPS].join(', ')}) on the hidden states behind "${name}" in the ${label} graph`,
      );
    }
    pending.delete(value);
    const n = graph.node[at]!;
    const op = qualified(n);
    if (!POSITIONWISE.has(op)) {
      throw fail(
        `the ${label} graph computes "${name}" through ${op} (node "${n.name ?? '?'}") before reaching an LM head (${[...HEAD_OPS].join(', ')}) on the hidden states`,
      );
    }
    region.add(at);
    for (const input of n.input) {
      // Not computed by this graph: a graph input or a value of the enclosing graph.
      if (!isConstant(input)) pending.set(input, producer.get(input) ?? -1);
    }
    if (pending.size === 0) throw fail(`"${name}" in the ${label} graph depends on constants only`);
  }
  const sliced = [...pending.keys()][0]!;

  const kept = `${sliced}${PREFIX}`;
  const headOps = [...region]
    .sort((x, y) => x - y)
    .map((i) => qualified(graph.node[i]!))
    .filter((op) => HEAD_OPS.has(op));
  const ops = [...new Set([...region].sort((x, y) => x - y).map((i) => qualified(graph.node[i]!)))];
  const first = Math.min(...region);
  const resized = new Set<string>();
  for (const i of region) {
    const n = graph.node[i]!;
    n.input = n.input.map((v) => (v === sliced ? kept : v));
    for (const o of n.output) resized.add(o);
  }
  // Recorded shapes of the values now computed on fewer positions would contradict the new ones.
  graph.valueInfo = graph.valueInfo.filter((v) => !resized.has(v.name));
  const negated = `${PREFIX}/${label}/negated`;
  const starts = `${PREFIX}/${label}/starts`;
  const node = (opType: string, input: string[], output: string): NodeMsg =>
    plainNode(`${PREFIX}/${label}/${opType}`, opType, input, output);
  graph.node.splice(
    first,
    0,
    node('Sub', [SLICE_ZERO, LOGITS_TO_KEEP_INPUT], negated),
    node('Reshape', [negated, SLICE_SHAPE], starts),
    node('Slice', [sliced, starts, SLICE_END, SLICE_AXIS], kept),
  );
  heads.push({ graph: label, op: headOps[headOps.length - 1]!, sliced, ops });
}

function scalarInt64Input(name: string): ValueInfoMsg {
  return { name, type: { tensorType: { elemType: OnnxDataType.INT64, shape: { dim: [] } } } };
}

/** The logits' sequence axis now has `num_logits_to_keep` entries, not the input's length. */
function renameSequenceDim(out: ValueInfoMsg): void {
  const dim = out.type?.tensorType?.shape?.dim[1];
  if (dim) {
    delete dim.dimValue;
    dim.dimParam = 'logits_length';
  }
}
