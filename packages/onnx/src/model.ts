import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ModelProto, ModelProtoSchema } from "./gen/onnx_pb.js";

/** Decodes an .onnx file. Fields this package does not declare are kept and written back as they were. */
export function readModel(bytes: Uint8Array): ModelProto {
  return fromBinary(ModelProtoSchema, bytes);
}

export function writeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model);
}
