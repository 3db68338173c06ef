/**
 * Element types of a tensor packet, spelled as onnxruntime spells them so a tensor crosses into a
 * session without a table. `float16` data is the raw IEEE half bits in a `Uint16Array`; `bool` is
 * one byte per element (0 or 1).
 */
export type TensorDtype = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** The typed array that holds each dtype's elements. */
export interface TensorDataOf {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

export type TensorData = TensorDataOf[TensorDtype];

/**
 * A tensor packet: a dtype, a shape (`dims`, row-major) and a flat typed array of exactly
 * `product(dims)` elements. Immutable like every packet payload: a calculator that changes values
 * makes a new tensor. Built with `tensor(...)`, which checks the data against dtype and dims.
 */
export interface Tensor<D extends TensorDtype = TensorDtype> {
  readonly dtype: D;
  readonly dims: readonly number[];
  readonly data: TensorDataOf[D];
}

const CONSTRUCTORS: { readonly [D in TensorDtype]: new (n: number) => TensorDataOf[D] } = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export const TENSOR_DTYPES = Object.keys(CONSTRUCTORS) as readonly TensorDtype[];

/** Number of elements of a shape (1 for a scalar `[]`). */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** A tensor, checked: integer non-negative dims, the typed array matching the dtype, the length matching the dims. */
export function tensor<D extends TensorDtype>(
  dtype: D,
  dims: readonly number[],
  data?: TensorDataOf[D],
): Tensor<D> {
  const Ctor = CONSTRUCTORS[dtype];
  if (Ctor === undefined)
    throw new TypeError(`tensor dtype ${JSON.stringify(dtype)} is not one of ${TENSOR_DTYPES.join(', ')}`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0)
      throw new TypeError(`tensor dims [${dims.join(', ')}] must be non-negative integers`);
  }
  const count = elementCount(dims);
  const values = data ?? new Ctor(count);
  if (!(values instanceof Ctor)) {
    throw new TypeError(
      `a ${dtype} tensor holds a ${Ctor.name}, got ${values?.constructor?.name ?? typeof values}`,
    );
  }
  if (values.length !== count) {
    throw new TypeError(
      `tensor dims [${dims.join(', ')}] need ${count} elements, the data has ${values.length}`,
    );
  }
  return Object.freeze({ dtype, dims: Object.freeze([...dims]), data: values });
}

/** Explains why `value` is not a well-formed tensor, or undefined when it is. */
export function checkTensor(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object')
    return `expected Tensor, got ${value === null ? 'null' : typeof value}`;
  const v = value as Partial<Tensor>;
  if (typeof v.dtype !== 'string' || !(v.dtype in CONSTRUCTORS))
    return `expected Tensor, got an object without a known dtype`;
  if (!Array.isArray(v.dims)) return 'expected Tensor, got an object without dims';
  const Ctor = CONSTRUCTORS[v.dtype];
  if (!(v.data instanceof Ctor)) return `expected a ${v.dtype} Tensor holding a ${Ctor.name}`;
  if (v.data.length !== elementCount(v.dims)) {
    return `Tensor dims [${v.dims.join(', ')}] need ${elementCount(v.dims)} elements, the data has ${v.data.length}`;
  }
  return undefined;
}

/** `[2, 3]` → `"[2, 3]"`, for error messages. */
export const formatDims = (dims: readonly (number | string)[]): string => `[${dims.join(', ')}]`;
