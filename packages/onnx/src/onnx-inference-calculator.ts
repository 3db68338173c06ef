import { defineCalculator, describeCalculator, type Tensor, t } from '@weft/framework';
import { OnnxError } from './errors.js';
import { onnxModelType } from './onnx-session-calculator.js';
import type { OnnxModel } from './session/onnx-model.js';
import { resolveTensorMap, type TensorMap } from './tensor-map.js';

/**
 * Runs the SESSION's ONNX model on tensor packets (MediaPipe's InferenceCalculator, OVMS's
 * OpenVINOInferenceCalculator). Each input stream feeds one model input and each output stream
 * receives one model output, matched by `tag_to_input_tensor_names` / `tag_to_output_tensor_names`
 * (a tag missing from the map means the tag in lower case: `INPUT_IDS` → `input_ids`). At open the
 * mapping is checked against the model's metadata (every model input fed, no unknown name, with a
 * did-you-mean); every run's tensors are checked for dtype and shape before they are queued. At a
 * timestamp all mapped inputs must have a packet; the outputs come out at the same timestamp. The
 * session runs in a worker thread and may batch this run with other graph runs' (see
 * OnnxSessionCalculator); the result is the same either way.
 *
 * Example config:
 * ```yaml
 * - calculator: OnnxInferenceCalculator
 *   input_stream: [INPUT_IDS:input_ids, ATTENTION_MASK:attention_mask]
 *   input_side_packet: [SESSION:session]
 *   output_stream: [HIDDEN:token_embeddings]
 *   options:
 *     tag_to_output_tensor_names: { HIDDEN: last_hidden_state }
 * ```
 */
export const OnnxInferenceCalculator = defineCalculator({
  name: 'OnnxInferenceCalculator',
  description: describeCalculator(
    'Runs the shared ONNX SESSION on tensor packets: tagged input streams → model inputs, model outputs → tagged output streams (names mapped by options, checked against the model metadata).',
    `
- calculator: OnnxInferenceCalculator
  input_stream: [INPUT_IDS:input_ids, ATTENTION_MASK:attention_mask]
  input_side_packet: [SESSION:session]
  output_stream: [HIDDEN:token_embeddings]
  options:
    tag_to_output_tensor_names: { HIDDEN: last_hidden_state }
`,
  ),
  inputs: { '*': { type: t.tensor(), description: 'one stream per model input' } },
  outputs: { '*': { type: t.tensor(), description: 'one stream per model output wanted' } },
  inputSidePackets: { SESSION: { type: onnxModelType(), description: 'from OnnxSessionCalculator' } },
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      tag_to_input_tensor_names: {
        type: 'object',
        additionalProperties: { type: 'string' },
        default: {},
        description: 'input tag → model input name (default: the tag in lower case)',
      },
      tag_to_output_tensor_names: {
        type: 'object',
        additionalProperties: { type: 'string' },
        default: {},
        description: 'output tag → model output name (default: the tag in lower case)',
      },
    },
  },
  timestampOffset: 0,
  create() {
    let model: OnnxModel;
    let inputs: TensorMap;
    let outputs: TensorMap;
    return {
      open(ctx) {
        model = ctx.sidePacket('SESSION');
        const o = ctx.options;
        inputs = resolveTensorMap(
          'input',
          ctx.inputTags(),
          o.tag_to_input_tensor_names as Record<string, string>,
          model.inputs,
        );
        outputs = resolveTensorMap(
          'output',
          ctx.outputTags(),
          o.tag_to_output_tensor_names as Record<string, string>,
          model.outputs,
        );
        const fed = new Set(inputs.values());
        const unfed = model.inputs.filter((i) => !fed.has(i.name)).map((i) => `"${i.name}"`);
        if (unfed.length > 0) {
          throw new OnnxError(
            'WEFT_ERR_ONNX_PORT_MAPPING',
            `model input${unfed.length > 1 ? 's' : ''} ${unfed.join(', ')} of ${model.path} ${unfed.length > 1 ? 'have' : 'has'} no input stream; connect a stream whose tag maps to ${unfed.length > 1 ? 'each' : 'it'} (tag_to_input_tensor_names)`,
          );
        }
      },
      async process(ctx) {
        const feeds: Record<string, Tensor> = {};
        const absent: string[] = [];
        for (const [tag, name] of inputs) {
          const packet = ctx.input(tag);
          if (packet) feeds[name] = packet.value;
          else absent.push(tag);
        }
        if (absent.length > 0) {
          throw new OnnxError(
            'WEFT_ERR_ONNX_INPUT_MISSING',
            `no packet on ${absent.join(', ')} at timestamp ${ctx.inputTimestamp}, but the other inputs have one; the model needs every input`,
          );
        }
        const tagOf = new Map([...inputs].map(([tag, name]) => [name, tag]));
        const result = await model.run(feeds, [...outputs.values()], {
          signal: ctx.signal,
          label: (name) => `input ${tagOf.get(name)} (model input "${name}")`,
        });
        for (const [tag, name] of outputs) ctx.output(tag).add(result[name]!);
      },
    };
  },
});
