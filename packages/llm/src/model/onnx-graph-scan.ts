import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ModelOnnxError } from '../errors/llm-errors.js';

/** One node's operator, `domain::OpType` for contrib ops (`com.microsoft::GroupQueryAttention`), else `OpType`. */
export type QualifiedOp = string;

/** Operator counts of an ONNX model, `If`/`Loop` bodies included. */
export type OpCounts = ReadonlyMap<QualifiedOp, number>;

// Field numbers of onnx.proto (ModelProto.graph, GraphProto.node, NodeProto.op_type/domain/attribute,
// AttributeProto.g/graphs).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_GRAPHS = 11;

const WINDOW = 1 << 16;

/**
 * Reads the operator types of an ONNX file without loading its weights: the protobuf is walked
 * field by field and every initializer (the bulk of the file) is skipped by its length, so a
 * model of any size costs a few reads. Throws `ModelOnnxError` on a file that is not valid protobuf.
 */
export function scanOnnxOps(file: string): OpCounts {
  const fd = openSync(file, 'r');
  try {
    const reader = new WindowReader(fd, fstatSync(fd).size, file);
    const counts = new Map<QualifiedOp, number>();
    for (const f of reader.fields(0, reader.size)) {
      if (f.field === MODEL_GRAPH && f.wire === 2) scanGraph(reader, f.start, f.end, counts);
    }
    return counts;
  } finally {
    closeSync(fd);
  }
}

function scanGraph(reader: WindowReader, start: number, end: number, counts: Map<QualifiedOp, number>): void {
  for (const f of reader.fields(start, end)) {
    if (f.field !== GRAPH_NODE || f.wire !== 2) continue;
    let opType = '';
    let domain = '';
    for (const n of reader.fields(f.start, f.end)) {
      if (n.wire !== 2) continue;
      if (n.field === NODE_OP_TYPE) opType = reader.text(n.start, n.end);
      else if (n.field === NODE_DOMAIN) domain = reader.text(n.start, n.end);
      else if (n.field === NODE_ATTRIBUTE) {
        for (const a of reader.fields(n.start, n.end)) {
          if ((a.field === ATTRIBUTE_GRAPH || a.field === ATTRIBUTE_GRAPHS) && a.wire === 2) {
            scanGraph(reader, a.start, a.end, counts);
          }
        }
      }
    }
    const op = domain === '' || domain === 'ai.onnx' ? opType : `${domain}::${opType}`;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
}

interface Field {
  field: number;
  wire: number;
  /** Payload range (for wire type 2); for other wire types `start === end` is after the value. */
  start: number;
  end: number;
}

/** Positional protobuf reads over a file through one 64 KiB window. */
class WindowReader {
  private buf = Buffer.alloc(WINDOW);
  private from = 0;
  private to = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly file: string,
  ) {}

  *fields(start: number, end: number): Generator<Field> {
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = this.varint(pos);
      const field = tag >>> 3;
      const wire = tag & 7;
      let next: number;
      let payload = afterTag;
      if (wire === 0) next = this.varint(afterTag)[1];
      else if (wire === 1) next = afterTag + 8;
      else if (wire === 5) next = afterTag + 4;
      else if (wire === 2) {
        const [len, afterLen] = this.varint(afterTag);
        payload = afterLen;
        next = afterLen + len;
      } else throw this.corrupt(pos, `wire type ${wire}`);
      if (next > end) throw this.corrupt(pos, 'a field runs past its message');
      yield { field, wire, start: payload, end: next };
      pos = next;
    }
  }

  text(start: number, end: number): string {
    return this.bytes(start, end).toString('utf8');
  }

  private varint(pos: number): [number, number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.bytes(pos + i, pos + i + 1)[0]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return [value, pos + i + 1];
    }
    throw this.corrupt(pos, 'a varint longer than 10 bytes');
  }

  private bytes(start: number, end: number): Buffer {
    if (end > this.size) throw this.corrupt(start, 'the file ends inside a field');
    if (start < this.from || end > this.to) {
      if (end - start > this.buf.length) this.buf = Buffer.alloc(end - start);
      this.from = start;
      this.to = start + readSync(this.fd, this.buf, 0, Math.min(this.buf.length, this.size - start), start);
    }
    return this.buf.subarray(start - this.from, end - this.from);
  }

  private corrupt(pos: number, what: string): ModelOnnxError {
    return new ModelOnnxError(
      `${this.file} is not a valid ONNX protobuf (${what} at byte ${pos}); re-export or re-download it`,
      this.file,
    );
  }
}
