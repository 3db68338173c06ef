import {
  encodeModel,
  ONNX_DATA_LOCATION_EXTERNAL,
  ONNX_IR_VERSION,
  ONNX_OPSET,
  OnnxAttributeType,
  OnnxDataType,
} from './onnx-proto.js';

/** An attribute value tagged with its ONNX type (a bare number cannot tell INT from FLOAT). */
export type OnnxAttribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'ints'; value: number[] }
  | { type: 'string'; value: string };

export const attr = {
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  ints: (value: number[]): OnnxAttribute => ({ type: 'ints', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
};

export type ElemType = 'float32' | 'int64' | 'bool';
export type Dim = number | string;

interface Initializer {
  name: string;
  dims: number[];
  dataType: number;
  bytes: Uint8Array;
}

interface ValueInfo {
  name: string;
  elemType: ElemType;
  dims: Dim[];
}

/** Where weights go when the model is serialised. */
export interface ExternalDataOptions {
  /** File name next to the model, e.g. `model.onnx_data`. */
  fileName: string;
  /** Tensors smaller than this many bytes stay inline (shapes, small constants). */
  minBytes: number;
}

export interface SerializedModel {
  model: Uint8Array;
  /** Chunks of the external data file, in order (empty when everything is inline). */
  externalChunks: Uint8Array[];
}

const ELEM: Record<ElemType, number> = {
  float32: OnnxDataType.FLOAT,
  int64: OnnxDataType.INT64,
  bool: OnnxDataType.BOOL,
};

// Offsets into the external file are page aligned so onnxruntime can memory-map each tensor.
const EXTERNAL_ALIGN = 4096;

/** Accumulates an ONNX graph (nodes, initializers, graph inputs/outputs) and serialises it. */
export class OnnxGraphBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private counter = 0;

  constructor(private readonly graphName: string) {}

  input(name: string, elemType: ElemType, dims: Dim[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  output(name: string, elemType: ElemType, dims: Dim[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  /** Adds a node; returns its output names (fresh names unless `outputs` are given). */
  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, OnnxAttribute> = {},
    outputs: number | string[] = 1,
  ): string[] {
    const id = this.counter++;
    const outNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => `/${opType.toLowerCase()}_${id}/out${i}`)
        : outputs;
    this.nodes.push({
      name: `${opType}_${id}`,
      opType,
      input: inputs,
      output: outNames,
      attribute: Object.entries(attrs).map(([name, a]) => encodeAttribute(name, a)),
    });
    return outNames;
  }

  /** A single-output node; returns the output name. */
  op(opType: string, inputs: string[], attrs: Record<string, OnnxAttribute> = {}, output?: string): string {
    return this.node(opType, inputs, attrs, output === undefined ? 1 : [output])[0]!;
  }

  float(name: string, dims: number[], data: Float32Array): string {
    checkCount(name, dims, data.length);
    this.initializers.push({ name, dims, dataType: OnnxDataType.FLOAT, bytes: le(data) });
    return name;
  }

  int64(name: string, dims: number[], values: number[]): string {
    checkCount(name, dims, values.length);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dataType: OnnxDataType.INT64, bytes: le(data) });
    return name;
  }

  /** Number of float parameters held in initializers. */
  parameterCount(): number {
    let n = 0;
    for (const init of this.initializers)
      if (init.dataType === OnnxDataType.FLOAT) n += init.bytes.length / 4;
    return n;
  }

  serialize(external?: ExternalDataOptions): SerializedModel {
    const externalChunks: Uint8Array[] = [];
    let offset = 0;
    const initializer = this.initializers.map((init) => {
      const base = { name: init.name, dims: init.dims, dataType: init.dataType };
      if (!external || init.bytes.length < external.minBytes) return { ...base, rawData: init.bytes };
      const pad = (EXTERNAL_ALIGN - (offset % EXTERNAL_ALIGN)) % EXTERNAL_ALIGN;
      if (pad > 0) externalChunks.push(new Uint8Array(pad));
      offset += pad;
      externalChunks.push(init.bytes);
      const entry = {
        ...base,
        dataLocation: ONNX_DATA_LOCATION_EXTERNAL,
        externalData: [
          { key: 'location', value: external.fileName },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(init.bytes.length) },
        ],
      };
      offset += init.bytes.length;
      return entry;
    });
    const model = encodeModel({
      irVersion: ONNX_IR_VERSION,
      producerName: 'weft',
      producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    });
    return { model, externalChunks };
  }
}

function encodeAttribute(name: string, a: OnnxAttribute): Record<string, unknown> {
  switch (a.type) {
    case 'int':
      return { name, type: OnnxAttributeType.INT, i: a.value };
    case 'float':
      return { name, type: OnnxAttributeType.FLOAT, f: a.value };
    case 'ints':
      return { name, type: OnnxAttributeType.INTS, ints: a.value };
    case 'string':
      return { name, type: OnnxAttributeType.STRING, s: Buffer.from(a.value, 'utf8') };
  }
}

function valueInfo(v: ValueInfo): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.elemType],
        shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function checkCount(name: string, dims: number[], count: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== count)
    throw new Error(`internal: initializer ${name} has ${count} values for dims [${dims}]`);
}

// ONNX raw_data is little-endian; so is every platform onnxruntime-node ships for, so the typed
// array's own bytes are used as they are.
function le(data: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
