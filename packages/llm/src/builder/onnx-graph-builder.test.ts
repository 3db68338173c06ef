import { describe, expect, it } from 'vitest';
import { buildDecoderGraph } from './decoder-graph.js';
import { DEFAULT_MODEL_KIND, type ModelKind } from './model-kind.js';
import { attr, OnnxGraphBuilder } from './onnx-graph-builder.js';
import { decodeModel } from './onnx-proto.js';
import { presetShape } from './presets.js';

describe('OnnxGraphBuilder', () => {
  it('writes IR 11 / opset 23 with typed attributes, symbolic dims and raw little-endian data', () => {
    const g = new OnnxGraphBuilder('t');
    g.input('x', 'float32', ['batch', 3]);
    const w = g.float('w', [3], Float32Array.of(1, 2, 3));
    g.op('LayerNormalization', ['x', w], { axis: attr.int(-1), epsilon: attr.float(0.5) }, 'y');
    g.output('y', 'float32', ['batch', 3]);
    const model = decodeModel(g.serialize().model);
    expect(model.irVersion).toBe(11);
    // onnx.proto is proto2: the empty default domain (ai.onnx) the builder sets is written, as
    // onnx's own `helper.make_opsetid` writes it.
    expect(model.opsetImport).toEqual([{ domain: '', version: 23 }]);
    expect(model.graph.input[0].type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 3 }]);
    const node = model.graph.node[0];
    expect(node).toMatchObject({ opType: 'LayerNormalization', input: ['x', 'w'], output: ['y'] });
    expect(node.attribute).toEqual([
      { name: 'axis', type: 2, i: -1 },
      { name: 'epsilon', type: 1, f: 0.5 },
    ]);
    const init = model.graph.initializer[0];
    expect(init.dims).toEqual([3]);
    expect(init.dataType).toBe(1);
    expect([...new Float32Array(new Uint8Array(init.rawData).buffer)]).toEqual([1, 2, 3]);
  });

  it('moves large initializers to page-aligned external data and keeps small ones inline', () => {
    const g = new OnnxGraphBuilder('t');
    g.float('big', [1000], new Float32Array(1000).fill(1));
    g.float('small', [2], Float32Array.of(1, 2));
    g.float('big2', [1500], new Float32Array(1500).fill(2));
    const { model, externalChunks } = g.serialize({ fileName: 'm.onnx_data', minBytes: 1024 });
    const inits = decodeModel(model).graph.initializer;
    const where = (i: number) => Object.fromEntries(inits[i].externalData.map((e: any) => [e.key, e.value]));
    expect(where(0)).toEqual({ location: 'm.onnx_data', offset: '0', length: '4000' });
    expect(inits[1].rawData.length).toBe(8);
    expect(where(2)).toEqual({ location: 'm.onnx_data', offset: '4096', length: '6000' });
    expect(externalChunks.reduce((n, c) => n + c.length, 0)).toBe(4096 + 6000);
  });

  it('builds the llama decoder from standard ONNX ops only', () => {
    const g = buildDecoderGraph('llama', {
      shape: presetShape('llama', 'tiny'),
      vocabSize: 50,
      tokenizerVocab: 50,
      quietIds: [49],
      seed: 0,
      kind: DEFAULT_MODEL_KIND,
    });
    const ops = new Set(decodeModel(g.serialize().model).graph.node.map((n: { opType: string }) => n.opType));
    expect([...ops].sort()).toEqual(
      [
        'And',
        'Attention',
        'Cast',
        'Equal',
        'Gather',
        'Identity',
        'LessOrEqual',
        'MatMul',
        'Mul',
        'Or',
        'RMSNormalization',
        'Range',
        'RotaryEmbedding',
        'Shape',
        'Sigmoid',
        'Slice',
        'Sub',
        'Unsqueeze',
        'Add',
      ].sort(),
    );
  });

  const opsOf = (kind: Partial<ModelKind>): string[] => {
    const model = decodeModel(
      buildDecoderGraph('llama', {
        shape: presetShape('llama', 'tiny'),
        vocabSize: 50,
        tokenizerVocab: 50,
        quietIds: [49],
        seed: 0,
        kind: { ...DEFAULT_MODEL_KIND, ...kind },
      }).serialize().model,
    );
    const ops = new Set<string>();
    const walk = (graph: { node: { opType: string; domain?: string; attribute?: { g?: unknown }[] }[] }) => {
      for (const n of graph.node) {
        ops.add(n.domain ? `${n.domain}::${n.opType}` : n.opType);
        for (const a of n.attribute ?? []) if (a.g) walk(a.g as never);
      }
    };
    walk(model.graph);
    if ([...ops].some((op) => op.startsWith('com.microsoft::'))) {
      expect(model.opsetImport).toContainEqual({ domain: 'com.microsoft', version: 1 });
    }
    return [...ops];
  };

  it('writes each export kind with the operators that define it', () => {
    const gqa = opsOf({ attention: 'gqa' });
    expect(gqa).toContain('com.microsoft::GroupQueryAttention');
    expect(gqa).not.toContain('Attention');
    expect(gqa).not.toContain('RotaryEmbedding');
    expect(gqa).toContain('ReduceSum');
    const q4 = opsOf({ quant: 'q4' });
    expect(q4).toContain('com.microsoft::MatMulNBits');
    expect(q4).not.toContain('MatMul');
    const q8 = opsOf({ quant: 'q8' });
    expect(q8).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'MatMulInteger']));
    expect(q8).not.toContain('MatMul');
    const merged = opsOf({ merged: true });
    expect(merged).toEqual(expect.arrayContaining(['If', 'Attention', 'RotaryEmbedding', 'Slice']));
    // The only Slice is the one before the LM head.
    expect(opsOf({ logitsToKeep: false })).not.toContain('Slice');
  });
});
