import { OnnxDataType } from './onnx-proto.js';

// The slice of protobufjs' decoded ModelProto that the rewrites of `weft model optimize` read and
// write (field names as in onnx-proto.ts). Everything else, unknown fields included, is carried
// through untouched.
export interface NodeMsg {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute: { name: string; type?: number; g?: GraphMsg; graphs?: GraphMsg[] }[];
}
export interface ValueInfoMsg {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim: { dimValue?: unknown; dimParam?: string }[] } } };
}
export interface GraphMsg {
  node: NodeMsg[];
  initializer: { name: string }[];
  sparseInitializer: { values?: { name: string } }[];
  input: ValueInfoMsg[];
  output: ValueInfoMsg[];
  valueInfo: ValueInfoMsg[];
}
export interface ModelMsg {
  graph?: GraphMsg;
  opsetImport: { domain?: string; version?: unknown }[];
}

/** `domain::opType`, or the bare opType for the default domain. */
export const qualified = (n: NodeMsg): string =>
  n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType;

/** The default domain's opset the model imports (0 when none). */
export function defaultOpset(model: ModelMsg): number {
  return Number(model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
}

export function int64Tensor(name: string, dims: number[], values: bigint[]): { name: string } {
  const data = BigInt64Array.from(values);
  return {
    name,
    dims,
    dataType: OnnxDataType.INT64,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  } as { name: string };
}

/** A node with one output and no attributes. */
export function plainNode(name: string, opType: string, input: string[], output: string): NodeMsg {
  return { name, opType, input, output: [output], attribute: [] };
}
