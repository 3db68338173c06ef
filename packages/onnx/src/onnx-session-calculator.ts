import { isAbsolute, resolve } from 'node:path';
import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { OnnxModel } from './session/onnx-model.js';

/** Port type of the shared session side packet. */
export const onnxModelType = () => t.named<OnnxModel>('OnnxModel', (v) => v instanceof OnnxModel);

/**
 * Opens an ONNX model once per graph (`scope: 'graph'`) in a worker thread and shares it with every
 * run as the SESSION side packet (OVMS's model-server session calculator). `model_path` is resolved
 * against the graph file's directory. With `max_batch_size` > 1, runs from concurrent graph runs
 * that wait for the session are stacked along `batch_axis` (the model must declare that axis
 * symbolic), inputs listed in `pad_values` padded on their symbolic axes and the outputs cut back
 * per run; a model that cannot batch that way is refused when the graph loads.
 *
 * Example config:
 * ```yaml
 * - calculator: OnnxSessionCalculator
 *   output_side_packet: [SESSION:session]
 *   options:
 *     model_path: ../models/tiny-embed/onnx/model.onnx
 *     max_batch_size: 32
 *     pad_values: { input_ids: 0, attention_mask: 0 }
 * ```
 */
export const OnnxSessionCalculator = defineCalculator({
  name: 'OnnxSessionCalculator',
  description: describeCalculator(
    'Opens an ONNX model once per graph in a worker thread and shares it as SESSION; optionally batches concurrent runs along a symbolic batch axis with padding.',
    `
- calculator: OnnxSessionCalculator
  output_side_packet: [SESSION:session]
  options:
    model_path: ../models/tiny-embed/onnx/model.onnx
    max_batch_size: 32
    pad_values: { input_ids: 0, attention_mask: 0 }
`,
  ),
  scope: 'graph',
  outputSidePackets: { SESSION: { type: onnxModelType(), description: 'the shared session' } },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['model_path'],
    properties: {
      model_path: { type: 'string', minLength: 1, description: 'the .onnx file, relative to the graph file' },
      threads: {
        type: 'integer',
        minimum: 1,
        description: 'onnxruntime intra-op threads (default: all cores)',
      },
      spinning: {
        type: 'boolean',
        default: false,
        description:
          "onnxruntime's intra-op threads spin-wait between runs (off: they leave the cores to the main thread's HTTP and batching work)",
      },
      max_batch_size: {
        type: 'integer',
        minimum: 1,
        default: 1,
        description: 'rows along batch_axis one session.run may take from concurrent runs (1: no batching)',
      },
      batch_axis: { type: 'integer', minimum: 0, default: 0, description: 'the axis runs are stacked along' },
      pad_values: {
        type: 'object',
        additionalProperties: { type: 'number' },
        default: {},
        description: 'inputs that may be padded on their symbolic axes, with the padding value',
      },
      max_queued: {
        type: 'integer',
        minimum: 1,
        default: 256,
        description: 'runs waiting for the session at most',
      },
    },
  },
  create() {
    let model: OnnxModel | undefined;
    return {
      async open(ctx) {
        const o = ctx.options;
        const path = isAbsolute(o.model_path)
          ? o.model_path
          : resolve(ctx.graphDir ?? process.cwd(), o.model_path);
        model = await OnnxModel.open(path, {
          ...(o.threads === undefined ? {} : { threads: o.threads }),
          spinning: o.spinning,
          maxBatchSize: o.max_batch_size,
          axis: o.batch_axis,
          padValues: o.pad_values as Record<string, number>,
          maxQueued: o.max_queued,
        });
        ctx.setOutputSidePacket('SESSION', model);
      },
      async close() {
        await model?.close();
        model = undefined;
      },
    };
  },
});
