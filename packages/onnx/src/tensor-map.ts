import { closest } from '@weft/framework';
import { OnnxError } from './errors.js';
import type { OnnxValueInfo } from './session/worker-protocol.js';

/** Stream tag → model tensor name, for the tags a node connects. */
export type TensorMap = Map<string, string>;

/**
 * Maps each connected tag to a model tensor: the option's name, else the tag in lower case.
 * A mapped tag that is not connected, or a name the model does not have, is an error that lists
 * the model's tensors (with a did-you-mean).
 */
export function resolveTensorMap(
  kind: 'input' | 'output',
  connected: readonly string[],
  option: Readonly<Record<string, string>>,
  model: readonly OnnxValueInfo[],
): TensorMap {
  const names = model.map((v) => v.name);
  const map: TensorMap = new Map();
  for (const tag of Object.keys(option)) {
    if (!connected.includes(tag)) {
      throw new OnnxError(
        'WEFT_ERR_ONNX_PORT_MAPPING',
        `tag_to_${kind}_tensor_names maps ${tag}, but the node has no ${kind} stream tagged ${tag} (connected: ${connected.join(', ') || 'none'})`,
      );
    }
  }
  for (const tag of connected) {
    if (tag === '') {
      throw new OnnxError(
        'WEFT_ERR_ONNX_PORT_MAPPING',
        `${kind} streams of OnnxInferenceCalculator need a tag (e.g. INPUT_IDS:input_ids)`,
      );
    }
    const name = option[tag] ?? tag.toLowerCase();
    if (!names.includes(name)) {
      const hint = closest(name, names);
      throw new OnnxError(
        'WEFT_ERR_ONNX_PORT_MAPPING',
        `${kind} ${tag} maps to "${name}", which the model does not have${hint ? ` (did you mean "${hint}"?)` : ''}; its ${kind}s are ${names.map((n) => `"${n}"`).join(', ')}`,
      );
    }
    map.set(tag, name);
  }
  return map;
}
