export * from "./gen/onnx_pb.js";
export { readModel, writeModel } from "./model.js";
export { QuantizeError, type QuantizeOptions, type QuantizeReport, quantizeDynamic } from "./quantize.js";
export { TensorError } from "./tensor.js";
