// ONNX export: each layer becomes a Gemm (Y = X·Wᵀ + b, transB = 1, so our units × inputs
// weights go in as they are) and an activation node, over one input [N, inputs] with a
// dynamic batch N. The bytes are a ModelProto written by our own protobuf writer: we only ever
// write these few messages, and a protobuf library would be our one runtime dependency.
import type { Network } from '../network.js';
import { LEAKY_RELU_SLOPE } from '../kernels.js';
import { plainObject, rejectUnknownKeys, describe } from '../validate/values.js';
import { exchangeNames, builtinActivation } from './names.js';
import { ProtoWriter } from './protobuf.js';

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

/*
 * The field numbers of the messages a Gemm stack needs, from onnx/onnx.proto (proto2, package
 * onnx) in the ONNX repository; each field's type there fixes its wire type: int64, int32 and
 * enums are varints, float is I32, strings, bytes and messages are LEN. Each message's fields
 * are written in field-number order, as protobufjs wrote them, so exports keep their bytes.
 */
const ModelProto = { ir_version: 1, producer_name: 2, producer_version: 3, doc_string: 6, graph: 7, opset_import: 8, metadata_props: 14 };
const OperatorSetIdProto = { domain: 1, version: 2 };
const StringStringEntryProto = { key: 1, value: 2 };
const GraphProto = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NodeProto = { input: 1, output: 2, name: 3, op_type: 4, attribute: 5 };
const AttributeProto = { name: 1, f: 2, i: 3, type: 20 };
const TensorProto = { dims: 1, data_type: 2, name: 8, raw_data: 9 };
const ValueInfoProto = { name: 1, type: 2 };
const TypeProto = { tensor_type: 1 };
const TypeProtoTensor = { elem_type: 1, shape: 2 };
const TensorShapeProto = { dim: 1 };
const TensorShapeProtoDimension = { dim_value: 1, dim_param: 2 };

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

  const nodes: ProtoWriter[] = [];
  const initializers: ProtoWriter[] = [];
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
    nodes.push(node(`layer${i}.gemm`, 'Gemm', gemmInputs, [z], [intAttribute('transB', 1)]));
    x = z;
    if (op === null) return;
    const a = last ? 'output' : `layer${i}.a`;
    const attributes: ProtoWriter[] = [];
    if (activation === 'leaky-relu') attributes.push(floatAttribute('alpha', LEAKY_RELU_SLOPE));
    // Softmax over the units: axis -1 from opset 13; before it, axis 1 of our 2-D tensor is the same.
    if (activation === 'softmax') attributes.push(intAttribute('axis', opset >= 13 ? -1 : 1));
    nodes.push(node(`layer${i}.${activation}`, op, [z], [a], attributes));
    x = a;
  });

  const graph = new ProtoWriter();
  for (const n of nodes) graph.message(GraphProto.node, n);
  graph.string(GraphProto.name, 'backprop');
  for (const t of initializers) graph.message(GraphProto.initializer, t);
  graph.message(GraphProto.input, valueInfo('input', spec.inputs));
  graph.message(GraphProto.output, valueInfo('output', net.outputs));

  const docString = `A feed-forward network exported by backprop: ${[spec.inputs, ...spec.layers.map((l) => `${l.units} ${l.activation}`)].join(' → ')}`;
  return new ProtoWriter()
    .int(ModelProto.ir_version, IR_VERSION[opset])
    .string(ModelProto.producer_name, 'backprop')
    .string(ModelProto.producer_version, '0.1.0')
    .string(ModelProto.doc_string, docString)
    .message(ModelProto.graph, graph)
    // The default domain '' is written all the same, as before.
    .message(ModelProto.opset_import, new ProtoWriter().string(OperatorSetIdProto.domain, '').int(OperatorSetIdProto.version, opset))
    .message(ModelProto.metadata_props, new ProtoWriter().string(StringStringEntryProto.key, 'backprop.loss').string(StringStringEntryProto.value, spec.loss))
    .finish();
}

function node(name: string, opType: string, inputs: string[], outputs: string[], attributes: ProtoWriter[]): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of inputs) w.string(NodeProto.input, input);
  for (const output of outputs) w.string(NodeProto.output, output);
  w.string(NodeProto.name, name).string(NodeProto.op_type, opType);
  for (const a of attributes) w.message(NodeProto.attribute, a);
  return w;
}

function intAttribute(name: string, value: number): ProtoWriter {
  return new ProtoWriter().string(AttributeProto.name, name).int(AttributeProto.i, value).int(AttributeProto.type, ATTRIBUTE_INT);
}

function floatAttribute(name: string, value: number): ProtoWriter {
  return new ProtoWriter().string(AttributeProto.name, name).float(AttributeProto.f, value).int(AttributeProto.type, ATTRIBUTE_FLOAT);
}

/**
 * A float32 initializer; raw_data is little-endian, as onnx.proto requires. dims is proto2's
 * unpacked by default, but readers take either form and protobufjs wrote it packed.
 */
function tensor(name: string, dims: number[], values: Float32Array): ProtoWriter {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return new ProtoWriter()
    .packedInts(TensorProto.dims, dims)
    .int(TensorProto.data_type, FLOAT)
    .string(TensorProto.name, name)
    .bytes(TensorProto.raw_data, raw);
}

/** A float32 [N, width] tensor whose batch size N is left to the caller. */
function valueInfo(name: string, width: number): ProtoWriter {
  const shape = new ProtoWriter()
    .message(TensorShapeProto.dim, new ProtoWriter().string(TensorShapeProtoDimension.dim_param, 'N'))
    .message(TensorShapeProto.dim, new ProtoWriter().int(TensorShapeProtoDimension.dim_value, width));
  const tensorType = new ProtoWriter().int(TypeProtoTensor.elem_type, FLOAT).message(TypeProtoTensor.shape, shape);
  return new ProtoWriter()
    .string(ValueInfoProto.name, name)
    .message(ValueInfoProto.type, new ProtoWriter().message(TypeProto.tensor_type, tensorType));
}
