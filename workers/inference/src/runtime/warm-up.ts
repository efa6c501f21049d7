import { ort } from "./ort";
import { loadTransformers } from "./transformers";

/**
 * The smallest model onnxruntime accepts: one Identity node from a float[1] "x" to "y" (ONNX IR 8,
 * opset 13), protobuf-encoded by hand as transformers.js encodes its own helper graphs. Creating a
 * session on it is what starts onnxruntime: the WASM instance made and OrtInit run.
 */
export const IDENTITY_MODEL = Uint8Array.from([
  8, 8, 58, 61, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 7, 119, 97,
  114, 109, 45, 117, 112, 90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18,
  10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 66, 2, 16, 13,
]);

let warming: Promise<void> | undefined;

/**
 * Starts the model runtime once per isolate, without waiting for it: onnxruntime's start (WASM
 * instance, OrtInit, the session code V8 compiles on first call) and transformers.js' module
 * evaluation are CPU work a cold isolate's first model request pays anyway; started before that
 * request's registry and bucket reads, they run while those wait on D1 and the bucket instead of
 * after them. A failure here is left for the model's own load to meet and report.
 */
export function warmUpRuntime(): Promise<void> {
  warming ??= (async () => {
    const session = await ort.InferenceSession.create(IDENTITY_MODEL);
    await session.release();
    await loadTransformers();
  })().catch(() => undefined);
  return warming;
}
