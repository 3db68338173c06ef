import protobuf from 'protobufjs';

// Our own descriptor of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, IR 14).
// Field numbers, types and packing must match the upstream schema exactly; names are ours. It is
// complete, because `weft model optimize` decodes and re-encodes models written by other tools and
// protobufjs drops the fields a descriptor does not name.
const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });
// proto2 packs a repeated scalar only where the schema says `[packed = true]`.
const packed = (type: string, id: number) => ({ rule: 'repeated', type, id, options: { packed: true } });
const entries = (id: number) => repeated('StringStringEntryProto', id);

const descriptor = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        TensorProto: {
          fields: {
            dims: repeated('int64', 1),
            dataType: { type: 'int32', id: 2 },
            segment: { type: 'Segment', id: 3 },
            floatData: packed('float', 4),
            int32Data: packed('int32', 5),
            stringData: repeated('bytes', 6),
            int64Data: packed('int64', 7),
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
            doubleData: packed('double', 10),
            uint64Data: packed('uint64', 11),
            docString: { type: 'string', id: 12 },
            externalData: entries(13),
            dataLocation: { type: 'int32', id: 14 },
            metadataProps: entries(16),
          },
          nested: {
            Segment: { fields: { begin: { type: 'int64', id: 1 }, end: { type: 'int64', id: 2 } } },
          },
        },
        SparseTensorProto: {
          fields: {
            values: { type: 'TensorProto', id: 1 },
            indices: { type: 'TensorProto', id: 2 },
            dims: repeated('int64', 3),
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: repeated('float', 7),
            ints: repeated('int64', 8),
            strings: repeated('bytes', 9),
            tensors: repeated('TensorProto', 10),
            graphs: repeated('GraphProto', 11),
            docString: { type: 'string', id: 13 },
            tp: { type: 'TypeProto', id: 14 },
            typeProtos: repeated('TypeProto', 15),
            type: { type: 'int32', id: 20 },
            refAttrName: { type: 'string', id: 21 },
            sparseTensor: { type: 'SparseTensorProto', id: 22 },
            sparseTensors: repeated('SparseTensorProto', 23),
          },
        },
        NodeProto: {
          fields: {
            input: repeated('string', 1),
            output: repeated('string', 2),
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: repeated('AttributeProto', 5),
            docString: { type: 'string', id: 6 },
            domain: { type: 'string', id: 7 },
            overload: { type: 'string', id: 8 },
            metadataProps: entries(9),
            deviceConfigurations: repeated('NodeDeviceConfigurationProto', 10),
          },
        },
        IntIntListEntryProto: {
          fields: { key: { type: 'int64', id: 1 }, value: repeated('int64', 2) },
        },
        NodeDeviceConfigurationProto: {
          fields: {
            configurationId: { type: 'string', id: 1 },
            shardingSpec: repeated('ShardingSpecProto', 2),
            pipelineStage: { type: 'int32', id: 3 },
          },
        },
        ShardingSpecProto: {
          fields: {
            tensorName: { type: 'string', id: 1 },
            device: repeated('int64', 2),
            indexToDeviceGroupMap: repeated('IntIntListEntryProto', 3),
            shardedDim: repeated('ShardedDimProto', 4),
          },
        },
        ShardedDimProto: {
          fields: { axis: { type: 'int64', id: 1 }, simpleSharding: repeated('SimpleShardedDimProto', 2) },
        },
        SimpleShardedDimProto: {
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 },
            numShards: { type: 'int64', id: 3 },
          },
        },
        TrainingInfoProto: {
          fields: {
            initialization: { type: 'GraphProto', id: 1 },
            algorithm: { type: 'GraphProto', id: 2 },
            initializationBinding: entries(3),
            updateBinding: entries(4),
          },
        },
        DeviceConfigurationProto: {
          fields: {
            name: { type: 'string', id: 1 },
            numDevices: { type: 'int32', id: 2 },
            device: repeated('string', 3),
          },
        },
        TensorAnnotation: {
          fields: { tensorName: { type: 'string', id: 1 }, quantParameterTensorNames: entries(2) },
        },
        Dimension: {
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 },
            denotation: { type: 'string', id: 3 },
          },
        },
        TensorShapeProto: {
          fields: { dim: repeated('Dimension', 1) },
        },
        TensorTypeProto: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        SequenceTypeProto: { fields: { elemType: { type: 'TypeProto', id: 1 } } },
        MapTypeProto: {
          fields: { keyType: { type: 'int32', id: 1 }, valueType: { type: 'TypeProto', id: 2 } },
        },
        OpaqueTypeProto: {
          fields: { domain: { type: 'string', id: 1 }, name: { type: 'string', id: 2 } },
        },
        TypeProto: {
          fields: {
            tensorType: { type: 'TensorTypeProto', id: 1 },
            sequenceType: { type: 'SequenceTypeProto', id: 4 },
            mapType: { type: 'MapTypeProto', id: 5 },
            denotation: { type: 'string', id: 6 },
            opaqueType: { type: 'OpaqueTypeProto', id: 7 },
            sparseTensorType: { type: 'TensorTypeProto', id: 8 },
            optionalType: { type: 'SequenceTypeProto', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
            metadataProps: entries(4),
          },
        },
        GraphProto: {
          fields: {
            node: repeated('NodeProto', 1),
            name: { type: 'string', id: 2 },
            initializer: repeated('TensorProto', 5),
            docString: { type: 'string', id: 10 },
            input: repeated('ValueInfoProto', 11),
            output: repeated('ValueInfoProto', 12),
            valueInfo: repeated('ValueInfoProto', 13),
            quantizationAnnotation: repeated('TensorAnnotation', 14),
            sparseInitializer: repeated('SparseTensorProto', 15),
            metadataProps: entries(16),
          },
        },
        FunctionProto: {
          fields: {
            name: { type: 'string', id: 1 },
            input: repeated('string', 4),
            output: repeated('string', 5),
            attribute: repeated('string', 6),
            node: repeated('NodeProto', 7),
            docString: { type: 'string', id: 8 },
            opsetImport: repeated('OperatorSetIdProto', 9),
            domain: { type: 'string', id: 10 },
            attributeProto: repeated('AttributeProto', 11),
            valueInfo: repeated('ValueInfoProto', 12),
            overload: { type: 'string', id: 13 },
            metadataProps: entries(14),
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: repeated('OperatorSetIdProto', 8),
            metadataProps: entries(14),
            trainingInfo: repeated('TrainingInfoProto', 20),
            functions: repeated('FunctionProto', 25),
            configuration: repeated('DeviceConfigurationProto', 26),
          },
        },
      },
    },
  },
};

// Every message as proto2: fields keep their presence (an empty `domain` that was written is written
// again) and repeated scalars are unpacked unless marked packed.
for (const type of Object.values(descriptor.nested.onnx.nested) as Record<string, unknown>[]) {
  type.edition = 'proto2';
  for (const inner of Object.values((type.nested ?? {}) as Record<string, Record<string, unknown>>)) {
    inner.edition = 'proto2';
  }
}
const root = protobuf.Root.fromJSON(descriptor);

/** The ModelProto message type of our descriptor. */
export const ModelProto = root.lookupType('onnx.ModelProto');

/** onnx.TensorProto.DataType values used here. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
} as const;

/** onnx.AttributeProto.AttributeType values used here. */
export const OnnxAttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
} as const;

/** onnx.TensorProto.DataLocation.EXTERNAL */
export const ONNX_DATA_LOCATION_EXTERNAL = 1;

/** IR version 11 is the one that goes with opset 23 (ONNX 1.18). */
export const ONNX_IR_VERSION = 11;
export const ONNX_OPSET = 23;

/** Serialises a plain ModelProto object (field names as in the descriptor above). */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`internal: invalid ONNX ModelProto (${problem})`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Parses bytes written by {@link encodeModel} (used by tests and `weft model inspect`). */
export function decodeModel(bytes: Uint8Array): Record<string, any> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Buffer }) as Record<
    string,
    any
  >;
}
