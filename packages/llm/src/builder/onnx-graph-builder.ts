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
  | { type: 'string'; value: string }
  | { type: 'graph'; value: OnnxGraphBuilder };

export const attr = {
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  ints: (value: number[]): OnnxAttribute => ({ type: 'ints', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  graph: (value: OnnxGraphBuilder): OnnxAttribute => ({ type: 'graph', value }),
};

export type ElemType = 'float32' | 'int64' | 'bool';
/** Element types of raw initializers (quantized weights, scales, zero points). */
export type RawType = 'uint8' | 'int8' | 'int32';

/** Domain of Microsoft's contrib ops; write `com.microsoft::OpType` to use one. */
export const MS_DOMAIN = 'com.microsoft';
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
const RAW: Record<RawType, number> = {
  uint8: OnnxDataType.UINT8,
  int8: OnnxDataType.INT8,
  int32: OnnxDataType.INT32,
};

// Offsets into the external file are page aligned so onnxruntime can memory-map each tensor.
const EXTERNAL_ALIGN = 4096;

/**
 * Accumulates an ONNX graph (nodes, initializers, graph inputs/outputs) and serialises it. A
 * `subgraph` (the body of an `If`) keeps its own nodes and outputs; its initializers go to the
 * top graph, where both branches of an `If` see them.
 */
export class OnnxGraphBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly initializerNames = new Set<string>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private counter = 0;
  private usesMsDomain = false;
  private readonly root: OnnxGraphBuilder;

  constructor(
    private readonly graphName: string,
    parent?: OnnxGraphBuilder,
  ) {
    this.root = parent?.root ?? this;
  }

  /** A graph for an `If` branch: it reads the outer graph's values and initializers by name. */
  subgraph(name: string): OnnxGraphBuilder {
    return new OnnxGraphBuilder(name, this);
  }

  input(name: string, elemType: ElemType, dims: Dim[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  output(name: string, elemType: ElemType, dims: Dim[]): void {
    this.outputs.push({ name, elemType, dims });
  }

  /**
   * Adds a node; returns its output names (fresh names unless `outputs` are given). `opType` may
   * name a contrib op as `com.microsoft::GroupQueryAttention`; an empty input name is an omitted
   * optional input.
   */
  node(
    qualifiedType: string,
    inputs: string[],
    attrs: Record<string, OnnxAttribute> = {},
    outputs: number | string[] = 1,
  ): string[] {
    const [domain, opType] = qualifiedType.includes('::')
      ? (qualifiedType.split('::') as [string, string])
      : ['', qualifiedType];
    if (domain === MS_DOMAIN) this.root.usesMsDomain = true;
    const id = this.root.counter++;
    const outNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) => `/${opType.toLowerCase()}_${id}/out${i}`)
        : outputs;
    this.nodes.push({
      name: `${opType}_${id}`,
      opType,
      ...(domain === '' ? {} : { domain }),
      input: inputs,
      output: outNames,
      attribute: Object.entries(attrs).map(([name, a]) => encodeAttribute(name, a)),
    });
    return outNames;
  }

  /** A new value name no other node uses (for outputs named by hand). */
  fresh(hint: string): string {
    return `/${hint}_${this.root.counter++}`;
  }

  /** A single-output node; returns the output name. */
  op(opType: string, inputs: string[], attrs: Record<string, OnnxAttribute> = {}, output?: string): string {
    return this.node(opType, inputs, attrs, output === undefined ? 1 : [output])[0]!;
  }

  float(name: string, dims: number[], data: Float32Array): string {
    checkCount(name, dims, data.length);
    return this.addInitializer({ name, dims, dataType: OnnxDataType.FLOAT, bytes: le(data) });
  }

  int64(name: string, dims: number[], values: number[]): string {
    checkCount(name, dims, values.length);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.addInitializer({ name, dims, dataType: OnnxDataType.INT64, bytes: le(data) });
  }

  /** An initializer of packed or integer data (quantized weights, zero points). */
  raw(name: string, dims: number[], type: RawType, data: Uint8Array | Int8Array | Int32Array): string {
    const width = type === 'int32' ? 4 : 1;
    checkCount(name, dims, data.byteLength / width);
    return this.addInitializer({ name, dims, dataType: RAW[type], bytes: le(data) });
  }

  /** Initializers are named by what they hold, so a second one of the same name is the same tensor. */
  private addInitializer(init: Initializer): string {
    const root = this.root;
    if (!root.initializerNames.has(init.name)) {
      root.initializerNames.add(init.name);
      root.initializers.push(init);
    }
    return init.name;
  }

  /** Number of float parameters held in initializers. */
  parameterCount(): number {
    let n = 0;
    for (const init of this.initializers)
      if (init.dataType === OnnxDataType.FLOAT) n += init.bytes.length / 4;
    return n;
  }

  /** The GraphProto of a subgraph: nodes and outputs only (no inputs, no initializers). */
  branchProto(): Record<string, unknown> {
    return { name: this.graphName, node: this.nodes, output: this.outputs.map(valueInfo) };
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
      opsetImport: [
        { domain: '', version: ONNX_OPSET },
        ...(this.usesMsDomain ? [{ domain: MS_DOMAIN, version: 1 }] : []),
      ],
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
    case 'graph':
      return { name, type: OnnxAttributeType.GRAPH, g: a.value.branchProto() };
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
function le(data: Float32Array | BigInt64Array | Uint8Array | Int8Array | Int32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
