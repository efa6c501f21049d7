import { create } from "@bufbuild/protobuf";
import { type TensorProto, TensorProto_DataType, TensorProtoSchema } from "./gen/onnx_pb.js";

/** A tensor this package cannot read: the caller names it in its error. */
export class TensorError extends Error {}

export function dimsOf(tensor: TensorProto): number[] {
  return tensor.dims.map(Number);
}

/** The values of a float32 initializer, from raw_data (little-endian, the usual case) or float_data. */
export function floatValues(tensor: TensorProto): Float32Array {
  if (tensor.dataType !== TensorProto_DataType.FLOAT) {
    throw new TensorError(`tensor '${tensor.name}' is not float32`);
  }
  if (tensor.externalData.length > 0) {
    throw new TensorError(
      `tensor '${tensor.name}' keeps its data in an external file, which is not supported`,
    );
  }
  const count = dimsOf(tensor).reduce((product, dim) => product * dim, 1);
  if (tensor.rawData.length > 0) {
    if (tensor.rawData.length !== count * 4)
      throw new TensorError(`tensor '${tensor.name}' has a truncated raw_data`);
    // Copy: raw_data is a view into the file, rarely 4-byte aligned.
    const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
    return values;
  }
  if (tensor.floatData.length !== count) throw new TensorError(`tensor '${tensor.name}' has no data`);
  return Float32Array.from(tensor.floatData);
}

export function floatTensor(name: string, dims: number[], values: Float32Array): TensorProto {
  const rawData = new Uint8Array(values.length * 4);
  const view = new DataView(rawData.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: TensorProto_DataType.FLOAT,
    rawData,
  });
}

export function int8Tensor(name: string, dims: number[], values: Int8Array): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dims: dims.map(BigInt),
    dataType: TensorProto_DataType.INT8,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
}

/** Row-major [rows, cols] -> [cols, rows]. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}
