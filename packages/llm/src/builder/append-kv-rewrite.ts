import { ModelOptimizeError } from '../errors/llm-errors.js';
import { NEW_POSITIONS_SUFFIX } from '../runtime/model-io.js';
import {
  defaultOpset,
  int64Tensor,
  type ModelMsg,
  plainNode,
  qualified,
  type ValueInfoMsg,
} from './onnx-messages.js';
import { ModelProto } from './onnx-proto.js';

/** Attention ops that place new positions by each row's length: their new KV is not the last positions. */
const IN_PLACE_ATTENTION = new Set([
  'com.microsoft::GroupQueryAttention',
  'com.microsoft::SparseAttention',
  'com.microsoft::PagedAttention',
]);

const PREFIX = '/weft/append_kv';

/**
 * Makes a decoder return only the KV of the positions it was just given: each present output
 * `present.N.key` (past concatenated with the new positions, `[batch, heads, past + sequence,
 * head]`) becomes `present.N.key.new_positions`, its last `sequence` positions (`sequence` =
 * `input_ids`' second dim). The full present is still computed inside the graph, but no longer
 * crosses onnxruntime-node's binding, which copies every output into a fresh buffer: at a long
 * context that copy, not the attention, was most of what a decode step grew by. The engine keeps
 * the KV itself and appends the new positions (see `SequenceBatch`).
 *
 * Refused (`ModelOptimizeError`) for packed KV and for attention ops that write new positions at
 * each row's own length (GroupQueryAttention: share-buffer KV already writes in place there).
 */
export function appendOnlyKv(
  bytes: Uint8Array,
  file: string,
  inputIds: string,
  presents: readonly string[],
): { model: Uint8Array; outputs: string[] } {
  const model = ModelProto.decode(bytes) as unknown as ModelMsg;
  const graph = model.graph;
  const fail = (why: string) =>
    new ModelOptimizeError(`cannot make ${file} return new KV positions only: ${why}`);
  if (!graph) throw fail('the file has no graph');
  if (defaultOpset(model) < 10)
    throw fail(`its opset ${defaultOpset(model)} has no Slice with tensor inputs`);
  const placed = [...new Set(graph.node.map(qualified))].filter((op) => IN_PLACE_ATTENTION.has(op));
  if (placed.length > 0) {
    throw fail(`it uses ${placed.join(', ')}, which writes KV in place already (share-buffer)`);
  }
  const byName = new Map(graph.output.map((o, i) => [o.name, i]));
  const outputs: string[] = [];
  for (const present of presents) {
    const at = byName.get(present);
    if (at === undefined) throw fail(`no graph output named "${present}"`);
    const info = graph.output[at]!;
    const rank = info.type?.tensorType?.shape?.dim.length;
    if (rank !== undefined && rank !== 4)
      throw fail(`output "${present}" has rank ${rank}, expected 4 (packed KV is not supported)`);
    const name = `${present}${NEW_POSITIONS_SUFFIX}`;
    graph.node.push(plainNode(`${PREFIX}/${present}`, 'Slice', [present, STARTS, END, AXIS], name));
    graph.output[at] = renamed(info, name);
    outputs.push(name);
  }
  // starts = [-sequence]: the last `sequence` positions of each present.
  graph.node.unshift(
    plainNode(`${PREFIX}/shape`, 'Shape', [inputIds], SHAPE),
    plainNode(`${PREFIX}/sequence`, 'Slice', [SHAPE, ONE, TWO, ZERO_AXIS], SEQUENCE),
    plainNode(`${PREFIX}/starts`, 'Neg', [SEQUENCE], STARTS),
  );
  graph.initializer.push(
    int64Tensor(ONE, [1], [1n]),
    int64Tensor(TWO, [1], [2n]),
    int64Tensor(ZERO_AXIS, [1], [0n]),
    int64Tensor(END, [1], [9223372036854775807n]),
    int64Tensor(AXIS, [1], [2n]),
  );
  return { model: ModelProto.encode(model as never).finish(), outputs };
}

const SHAPE = `${PREFIX}/input_shape`;
const SEQUENCE = `${PREFIX}/sequence_length`;
const STARTS = `${PREFIX}/starts`;
const ONE = `${PREFIX}/one`;
const TWO = `${PREFIX}/two`;
const ZERO_AXIS = `${PREFIX}/axis_0`;
const END = `${PREFIX}/end`;
const AXIS = `${PREFIX}/axis_2`;

/** The output's value info under its new name, its sequence axis now the input's. */
function renamed(info: ValueInfoMsg, name: string): ValueInfoMsg {
  const dim = info.type?.tensorType?.shape?.dim[2];
  if (dim) {
    delete dim.dimValue;
    dim.dimParam = 'sequence_length';
  }
  return { ...info, name };
}
