// ONNX export: each layer becomes a Gemm (Y = X·Wᵀ + b, transB = 1, so our units × inputs
// weights go in as they are) and an activation node, over one input [N, inputs] with a
// dynamic batch N. The bytes are a ModelProto written by protobufjs from a descriptor of the
// few ONNX messages we need, so no byte of the wire format is encoded by hand.
import protobuf from 'protobufjs/light.js';
import type { Network } from '../network.js';
import { LEAKY_RELU_SLOPE } from '../kernels.js';
import { plainObject, rejectUnknownKeys, describe } from '../validate/values.js';
import { exchangeNames, builtinActivation } from './names.js';

/** Options of toOnnx. */
export interface ToOnnxOptions {
  /** The ai.onnx operator set the model declares, 11 to 21 (default 13). */
  opsetVersion?: number;
}

export const DEFAULT_OPSET = 13;

/**
 * The IR version each opset first shipped with (onnx/helper.py's VERSION_TABLE): a model
 * declares the oldest IR that knows its opset, so older runtimes still open it.
 */
const IR_VERSION: Readonly<Record<number, number>> = { 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

// TensorProto.DataType.FLOAT and AttributeProto.AttributeType.FLOAT / INT in onnx.proto.
const FLOAT = 1;
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;

/**
 * The subset of onnx/onnx.proto (proto2, package onnx) that a Gemm stack needs, with the
 * field numbers of onnx.proto: ModelProto ir_version 1, producer_name 2, producer_version 3,
 * doc_string 6, graph 7, opset_import 8, metadata_props 14; OperatorSetIdProto domain 1,
 * version 2; GraphProto node 1, name 2, initializer 5, input 11, output 12; NodeProto input 1,
 * output 2, name 3, op_type 4, attribute 5; AttributeProto name 1, f 2, i 3, type 20;
 * TensorProto dims 1, data_type 2, name 8, raw_data 9; ValueInfoProto name 1, type 2;
 * TypeProto tensor_type 1; TypeProto.Tensor elem_type 1, shape 2; TensorShapeProto dim 1;
 * TensorShapeProto.Dimension dim_value 1, dim_param 2 (a oneof); StringStringEntryProto key 1,
 * value 2. (Checked against the protobufjs code generated from onnx.proto that onnxruntime-web
 * ships in lib/onnxjs/ort-schema/protobuf/onnx.js.) Enums are written as their int32 values.
 */
const ONNX_SUBSET = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            doc_string: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opset_import: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadata_props: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            data_type: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            raw_data: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensor_type: { type: 'Tensor', id: 1 } },
          nested: { Tensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 } },
            },
          },
        },
      },
    },
  },
};

let modelProto: protobuf.Type | undefined;

/** Built on first use: reflection compiles an encoder per message type. */
function modelType(): protobuf.Type {
  modelProto ??= protobuf.Root.fromJSON(ONNX_SUBSET).lookupType('onnx.ModelProto');
  return modelProto;
}

/** The network as ONNX bytes: input 'input' [N, inputs], output 'output' [N, outputs], float32. */
export function toOnnx(net: Network, options: ToOnnxOptions = {}): Uint8Array {
  const label = 'toOnnx';
  const o = plainObject(options, `${label}: options`);
  rejectUnknownKeys(o, ['opsetVersion'], `${label}: options`);
  const opset = o.opsetVersion === undefined ? DEFAULT_OPSET : o.opsetVersion;
  if (typeof opset !== 'number' || !Object.hasOwn(IR_VERSION, opset)) {
    // Below 11 Gemm needs its C input; above 21 is newer than this table knows.
    throw new RangeError(`${label}: opsetVersion: expected a whole number from 11 to 21, got ${describe(opset)}`);
  }
  const spec = net.spec;
  const names = spec.layers.map((_, i) => builtinActivation(spec, i, label, 'ONNX'));

  const nodes: object[] = [];
  const initializers: object[] = [];
  let x = 'input';
  names.forEach((activation, i) => {
    const { weights, bias, units, inputs } = net.getWeights(i);
    const last = i === names.length - 1;
    const op = exchangeNames[activation].onnx;
    const z = last && op === null ? 'output' : `layer${i}.z`;
    initializers.push(tensor(`layer${i}.weights`, [units, inputs], weights));
    const gemmInputs = [x, `layer${i}.weights`];
    if (bias) {
      initializers.push(tensor(`layer${i}.bias`, [units], bias));
      gemmInputs.push(`layer${i}.bias`);
    }
    nodes.push({ name: `layer${i}.gemm`, op_type: 'Gemm', input: gemmInputs, output: [z], attribute: [intAttribute('transB', 1)] });
    x = z;
    if (op === null) return;
    const a = last ? 'output' : `layer${i}.a`;
    const attribute: object[] = [];
    if (activation === 'leaky-relu') attribute.push({ name: 'alpha', type: ATTRIBUTE_FLOAT, f: LEAKY_RELU_SLOPE });
    // Softmax over the units: axis -1 from opset 13; before it, axis 1 of our 2-D tensor is the same.
    if (activation === 'softmax') attribute.push(intAttribute('axis', opset >= 13 ? -1 : 1));
    nodes.push({ name: `layer${i}.${activation}`, op_type: op, input: [z], output: [a], attribute });
    x = a;
  });

  const model = {
    ir_version: IR_VERSION[opset],
    producer_name: 'backprop',
    producer_version: '0.1.0',
    doc_string: `A feed-forward network exported by backprop: ${[spec.inputs, ...spec.layers.map((l) => `${l.units} ${l.activation}`)].join(' → ')}`,
    opset_import: [{ domain: '', version: opset }],
    metadata_props: [{ key: 'backprop.loss', value: spec.loss }],
    graph: {
      name: 'backprop',
      node: nodes,
      initializer: initializers,
      input: [valueInfo('input', spec.inputs)],
      output: [valueInfo('output', net.outputs)],
    },
  };
  const type = modelType();
  return type.encode(type.fromObject(model)).finish();
}

function intAttribute(name: string, value: number): object {
  return { name, type: ATTRIBUTE_INT, i: value };
}

/** A float32 initializer; raw_data is little-endian, as onnx.proto requires. */
function tensor(name: string, dims: number[], values: Float32Array): object {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims, data_type: FLOAT, raw_data: raw };
}

/** A float32 [N, width] tensor whose batch size N is left to the caller. */
function valueInfo(name: string, width: number): object {
  return { name, type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: 'N' }, { dim_value: width }] } } } };
}
