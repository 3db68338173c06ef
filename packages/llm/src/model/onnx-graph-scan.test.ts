import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attr, OnnxGraphBuilder } from '../builder/onnx-graph-builder.js';
import { ModelOnnxError } from '../errors/llm-errors.js';
import { scanOnnxOps } from './onnx-graph-scan.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanOnnxOps', () => {
  it('counts operators with their domain, inside If branches too, skipping initializers', () => {
    const g = new OnnxGraphBuilder('scan');
    g.input('x', 'float32', [1, 4]);
    g.input('flag', 'bool', [1]);
    // A big initializer the scan must skip without reading.
    const w = g.float('w', [4, 4096], new Float32Array(4 * 4096).fill(0.5));
    const then = g.subgraph('then');
    then.op('com.microsoft::FastGelu', [then.op('MatMul', ['x', w])], {}, 'then/y');
    then.output('then/y', 'float32', [1, 4096]);
    const otherwise = g.subgraph('else');
    otherwise.op('DynamicQuantizeLinear', ['x'], {}, 'else/q');
    otherwise.op('MatMul', ['x', w], {}, 'else/y');
    otherwise.output('else/y', 'float32', [1, 4096]);
    g.node('If', ['flag'], { then_branch: attr.graph(then), else_branch: attr.graph(otherwise) }, ['y']);
    g.output('y', 'float32', [1, 4096]);
    const file = join(dir, 'scan.onnx');
    writeFileSync(file, g.serialize().model);
    expect(Object.fromEntries(scanOnnxOps(file))).toEqual({
      If: 1,
      MatMul: 2,
      'com.microsoft::FastGelu': 1,
      DynamicQuantizeLinear: 1,
    });
  });

  it('reports a truncated file as ModelOnnxError naming it', () => {
    const g = new OnnxGraphBuilder('cut');
    g.input('x', 'float32', [1]);
    g.op('Relu', ['x'], {}, 'y');
    g.output('y', 'float32', [1]);
    const file = join(dir, 'cut.onnx');
    writeFileSync(file, g.serialize().model.subarray(0, 20));
    expect(() => scanOnnxOps(file)).toThrow(ModelOnnxError);
    expect(() => scanOnnxOps(file)).toThrow(file);
  });
});
