import type { TensorDtype } from '@weft/framework';

/** A model input or output as its metadata declares it: dims are sizes or symbolic names. */
export interface OnnxValueInfo {
  readonly name: string;
  /** onnxruntime's type name (`float32`, `int64`...); `non-tensor` for maps and sequences. */
  readonly dtype: TensorDtype | string;
  readonly dims: readonly (number | string)[];
}

/** A tensor crossing the worker boundary (plain data, structured-clonable). */
export interface WireTensor {
  readonly dtype: TensorDtype;
  readonly dims: readonly number[];
  readonly data: ArrayBufferView;
}

export interface OnnxWorkerData {
  readonly modelPath: string;
  readonly threads: number;
  /** onnxruntime's intra-op threads spin-wait for work between runs. */
  readonly spinning: boolean;
}

export type ToWorker = { type: 'run'; id: number; feeds: Record<string, WireTensor>; fetches: string[] };

export type FromWorker =
  | { type: 'ready'; inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[] }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; outputs: Record<string, WireTensor> }
  | { type: 'failed'; id: number; message: string };
