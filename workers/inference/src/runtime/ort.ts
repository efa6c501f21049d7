// A path, not a package specifier: wrangler's module collector resolves .wasm imports relative to
// the importing file only. npm workspaces hoist onnxruntime-web to the root node_modules.

import * as ort from "onnxruntime-web/wasm";
import ortWasm from "../../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm";

/**
 * onnxruntime-web's WASM backend, set up for workerd:
 * - the .wasm file arrives as a WebAssembly.Module compiled at deploy time (workerd refuses to
 *   compile bytes at run time: "Wasm code generation disallowed by embedder"). onnxruntime's
 *   emscripten loader only takes bytes, so it gets an empty placeholder, and its one call to
 *   WebAssembly.instantiate(placeholder, imports) is answered with the compiled module;
 * - one thread and no proxy worker: workerd has no Worker();
 * - nothing is fetched: the binary is set, so neither wasmPaths nor import.meta.url are read.
 */
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.logLevel = "error";
ort.env.wasm.wasmBinary = new ArrayBuffer(0);

const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (
  source: unknown,
  imports?: WebAssembly.Imports,
) => Promise<unknown>;

function isPlaceholder(source: unknown): boolean {
  return ArrayBuffer.isView(source)
    ? source.byteLength === 0
    : source instanceof ArrayBuffer && source.byteLength === 0;
}

WebAssembly.instantiate = (async (source: unknown, imports?: WebAssembly.Imports) => {
  if (!isPlaceholder(source)) return instantiate(source, imports);
  const instance = await instantiate(ortWasm, imports);
  return { instance, module: ortWasm };
}) as typeof WebAssembly.instantiate;

export { ort };
