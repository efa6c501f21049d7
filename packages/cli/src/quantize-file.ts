import {
  QuantizeError,
  type QuantizeOptions,
  type QuantizeReport,
  quantizeDynamic,
  readModel,
  writeModel,
} from "@edgeflow/onnx";
import { UsageError } from "./args";

/**
 * An .onnx file's bytes (`label` names it in errors) quantised to dynamic int8. A file that is not
 * ONNX, or a model the quantiser refuses, is a mistake in what was asked: exit status 2.
 */
export function quantizeOnnx(
  bytes: Uint8Array,
  label: string,
  options: QuantizeOptions,
): { bytes: Uint8Array; report: QuantizeReport } {
  try {
    const model = readModel(bytes);
    const report = quantizeDynamic(model, options);
    return { bytes: writeModel(model), report };
  } catch (error) {
    if (error instanceof QuantizeError) throw new UsageError(`cannot quantise ${label}: ${error.message}.`);
    throw new UsageError(
      `${label} is not a readable ONNX model (${error instanceof Error ? error.message : error}).`,
    );
  }
}
