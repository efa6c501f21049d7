/**
 * Dynamic int8 quantisation in the layout of onnxruntime's `quantize_dynamic` (QOperator format):
 * each MatMul (and Gemm) whose weight is a constant becomes
 *
 *   DynamicQuantizeLinear(x) -> MatMulInteger(x_q, w_q, x_zp, w_zp) -> Cast(float)
 *     -> Mul(·, x_scale * w_scale)                                          [-> Add(bias) for Gemm]
 *
 * with the weight stored as int8 plus its scale and zero point, and large embedding tables
 * (Gather on a constant) stored int8 and dequantised after the lookup. Activations are quantised at
 * run time, once per tensor however many MatMuls read it (q, k and v share one).
 */
import { create } from "@bufbuild/protobuf";
import {
  type AttributeProto,
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  NodeProtoSchema,
  type TensorProto,
  TensorProto_DataType,
} from "./gen/onnx_pb.js";
import { type Int8Weights, quantizePerColumn, quantizePerTensor } from "./int8.js";
import { dimsOf, floatTensor, floatValues, int8Tensor, TensorError, transpose2d } from "./tensor.js";

export class QuantizeError extends Error {}

export interface QuantizeOptions {
  /** One scale per output channel of each MatMul weight instead of one per tensor. */
  perChannel?: boolean;
  /**
   * Embedding tables read only by Gather are stored int8 from this many bytes of float32 on
   * (default 1 MiB): below that the table is a small share of the file and keeping it exact costs
   * little; above it, it is usually the largest tensor in the model.
   */
  embeddingMinBytes?: number;
  /** Called after each candidate node, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface QuantizeReport {
  matmuls: number;
  gemms: number;
  embeddings: number;
}

const MIN_OPSET = 11; // DynamicQuantizeLinear
const DEFAULT_EMBEDDING_MIN_BYTES = 1 << 20;

/** Quantises `model` in place and says what it changed. */
export function quantizeDynamic(model: ModelProto, options: QuantizeOptions = {}): QuantizeReport {
  const graph = model.graph;
  if (!graph) throw new QuantizeError("the model has no graph");
  const opset = model.opsetImport.find((entry) => entry.domain === "" || entry.domain === "ai.onnx");
  if (!opset || Number(opset.version) < MIN_OPSET) {
    throw new QuantizeError(
      `the model uses ONNX opset ${opset ? Number(opset.version) : "(none)"}; dynamic quantisation needs opset ${MIN_OPSET} or later (re-export it with a newer opset)`,
    );
  }
  try {
    return new GraphQuantizer(graph, options).run();
  } catch (error) {
    if (error instanceof TensorError) throw new QuantizeError(error.message);
    throw error;
  }
}

class GraphQuantizer {
  private readonly constants = new Map<string, TensorProto>();
  private readonly names = new Set<string>();
  private readonly quantizedInputs = new Map<string, { q: string; scale: string; zeroPoint: string }>();
  private readonly quantizedWeights = new Map<string, { q: string; scale: string; zeroPoint: string }>();
  private readonly added: TensorProto[] = [];
  private readonly report: QuantizeReport = { matmuls: 0, gemms: 0, embeddings: 0 };
  private readonly embeddingMinBytes: number;
  /** Names the graph's subgraphs (If, Loop, Scan bodies) read from outside: never rewritten or dropped. */
  private readonly subgraphReads = new Set<string>();

  constructor(
    private readonly graph: GraphProto,
    private readonly options: QuantizeOptions,
  ) {
    this.embeddingMinBytes = options.embeddingMinBytes ?? DEFAULT_EMBEDDING_MIN_BYTES;
    // An initializer that is also a graph input can be overridden by the caller: not a constant.
    const inputs = new Set(graph.input.map((input) => input.name));
    for (const tensor of graph.initializer) {
      this.names.add(tensor.name);
      if (!inputs.has(tensor.name) && tensor.dataType === TensorProto_DataType.FLOAT)
        this.constants.set(tensor.name, tensor);
    }
    for (const name of inputs) this.names.add(name);
    for (const node of graph.node) {
      for (const output of node.output) this.names.add(output);
      this.names.add(node.name);
      for (const attribute of node.attribute) collectSubgraphInputs(attribute, this.subgraphReads);
    }
  }

  run(): QuantizeReport {
    const embeddings = this.embeddingTables();
    // Each node's rewrite, decided once: the count is the progress bar's total.
    const rewrites = this.graph.node.map((node) => {
      if (node.opType === "Gather" && embeddings.has(node.input[0] ?? "")) return () => this.gather(node);
      const weight = this.weightOf(node);
      return weight ? () => this.matmul(node, weight) : undefined;
    });
    const candidates = rewrites.filter(Boolean).length;
    let done = 0;
    const nodes: NodeProto[] = [];
    for (const [i, node] of this.graph.node.entries()) {
      const rewrite = rewrites[i];
      if (!rewrite) {
        nodes.push(node);
        continue;
      }
      nodes.push(...rewrite());
      this.options.onProgress?.(++done, candidates);
    }
    this.graph.node = nodes;
    this.graph.initializer = [...this.graph.initializer, ...this.added];
    this.dropUnusedInitializers();
    return this.report;
  }

  /** The constant 2-D weight of a MatMul or plain Gemm (alpha 1, no transA, beta 1), if it has one. */
  private weightOf(node: NodeProto): TensorProto | undefined {
    if (node.domain !== "" && node.domain !== "ai.onnx") return undefined;
    if (node.opType !== "MatMul" && node.opType !== "Gemm") return undefined;
    const weight = this.constants.get(node.input[1] ?? "");
    if (!weight || dimsOf(weight).length !== 2) return undefined;
    if (node.opType === "Gemm") {
      const plain =
        floatAttribute(node, "alpha", 1) === 1 &&
        intAttribute(node, "transA", 0) === 0 &&
        (node.input.length < 3 || !node.input[2] || floatAttribute(node, "beta", 1) === 1);
      if (!plain) return undefined;
    }
    return weight;
  }

  private matmul(node: NodeProto, weight: TensorProto): NodeProto[] {
    const isGemm = node.opType === "Gemm";
    const transposed = isGemm && intAttribute(node, "transB", 0) === 1;
    const weightKey = transposed ? `${weight.name}_T` : weight.name;
    const w = this.quantizedWeight(weightKey, () => {
      const [rows = 0, cols = 0] = dimsOf(weight);
      const values = floatValues(weight);
      return transposed
        ? { dims: [cols, rows], values: transpose2d(values, rows, cols) }
        : { dims: [rows, cols], values };
    });
    const input = node.input[0] as string;
    const output = node.output[0] as string;
    const nodeName = node.name || this.unique(`${output}_node`);
    const nodes: NodeProto[] = [];
    const x = this.quantizedInput(input, nodes);
    const product = isGemm && node.input[2] ? this.unique(`${output}_MatMul`) : output;
    const integer = this.unique(`${product}_output_quantized`);
    const cast = this.unique(`${integer}_cast_output`);
    const scales = this.unique(`${nodeName}_quant_scales_mul:0`);
    nodes.push(
      makeNode(
        "MatMulInteger",
        this.unique(`${nodeName}_quant`),
        [x.q, w.q, x.zeroPoint, w.zeroPoint],
        [integer],
      ),
      makeNode(
        "Cast",
        this.unique(`${integer}_cast`),
        [integer],
        [cast],
        [intAttr("to", TensorProto_DataType.FLOAT)],
      ),
      makeNode("Mul", this.unique(`${nodeName}_quant_scales_mul`), [x.scale, w.scale], [scales]),
      makeNode("Mul", this.unique(`${nodeName}_output_scale_mul`), [cast, scales], [product]),
    );
    if (product !== output) {
      nodes.push(
        makeNode("Add", this.unique(`${nodeName}_bias_add`), [product, node.input[2] as string], [output]),
      );
      this.report.gemms++;
    } else if (isGemm) {
      this.report.gemms++;
    } else {
      this.report.matmuls++;
    }
    return nodes;
  }

  /** Gather on an int8 table, then DequantizeLinear of just the rows it picked. */
  private gather(node: NodeProto): NodeProto[] {
    const table = this.constants.get(node.input[0] as string) as TensorProto;
    const quantized = this.quantizedWeight(
      table.name,
      () => ({ dims: dimsOf(table), values: floatValues(table) }),
      true,
    );
    const output = node.output[0] as string;
    const gathered = this.unique(`${output}_quantized`);
    this.report.embeddings++;
    return [
      makeNode("Gather", node.name, [quantized.q, ...node.input.slice(1)], [gathered], node.attribute),
      makeNode(
        "DequantizeLinear",
        this.unique(`${output}_DequantizeLinear`),
        [gathered, quantized.scale, quantized.zeroPoint],
        [output],
      ),
    ];
  }

  /** Embedding tables worth storing int8: big enough, and read by nothing but Gather's data input. */
  private embeddingTables(): Set<string> {
    const tables = new Set<string>();
    const readers = new Map<string, NodeProto[]>();
    for (const node of this.graph.node) {
      for (const input of node.input) {
        const list = readers.get(input);
        if (list) list.push(node);
        else readers.set(input, [node]);
      }
    }
    for (const [name, tensor] of this.constants) {
      const bytes = dimsOf(tensor).reduce((product, dim) => product * dim, 4);
      if (bytes < this.embeddingMinBytes || dimsOf(tensor).length !== 2) continue;
      const nodes = readers.get(name) ?? [];
      const onlyGather = nodes.every(
        (node) =>
          node.opType === "Gather" &&
          node.input[0] === name &&
          node.input.indexOf(name, 1) === -1 &&
          intAttribute(node, "axis", 0) === 0,
      );
      if (nodes.length > 0 && onlyGather && !this.subgraphReads.has(name)) tables.add(name);
    }
    return tables;
  }

  private quantizedWeight(
    key: string,
    load: () => { dims: number[]; values: Float32Array },
    perTensor = false,
  ): { q: string; scale: string; zeroPoint: string } {
    const known = this.quantizedWeights.get(key);
    if (known) return known;
    const { dims, values } = load();
    const [rows = 0, cols = 0] = dims;
    const weights: Int8Weights =
      this.options.perChannel && !perTensor && dims.length === 2
        ? quantizePerColumn(values, rows, cols)
        : quantizePerTensor(values);
    const names = {
      q: this.unique(`${key}_quantized`),
      scale: this.unique(`${key}_scale`),
      zeroPoint: this.unique(`${key}_zero_point`),
    };
    const paramDims = weights.scales.length === 1 ? [] : [weights.scales.length];
    this.added.push(
      int8Tensor(names.q, dims, weights.values),
      floatTensor(names.scale, paramDims, weights.scales),
      int8Tensor(names.zeroPoint, paramDims, new Int8Array(weights.scales.length)),
    );
    this.quantizedWeights.set(key, names);
    return names;
  }

  private quantizedInput(input: string, nodes: NodeProto[]): { q: string; scale: string; zeroPoint: string } {
    const known = this.quantizedInputs.get(input);
    if (known) return known;
    const names = {
      q: this.unique(`${input}_quantized`),
      scale: this.unique(`${input}_scale`),
      zeroPoint: this.unique(`${input}_zero_point`),
    };
    nodes.push(
      makeNode(
        "DynamicQuantizeLinear",
        this.unique(`${input}_QuantizeLinear`),
        [input],
        [names.q, names.scale, names.zeroPoint],
      ),
    );
    this.quantizedInputs.set(input, names);
    return names;
  }

  private dropUnusedInitializers(): void {
    const used = new Set<string>(this.graph.output.map((output) => output.name));
    for (const node of this.graph.node) {
      for (const input of node.input) used.add(input);
    }
    this.graph.initializer = this.graph.initializer.filter(
      (tensor) => used.has(tensor.name) || this.subgraphReads.has(tensor.name),
    );
  }

  private unique(base: string): string {
    let name = base;
    for (let n = 1; this.names.has(name); n++) name = `${base}_${n}`;
    this.names.add(name);
    return name;
  }
}

/** Adds every input that the subgraphs in `attribute` (and theirs, recursively) name. */
function collectSubgraphInputs(attribute: AttributeProto, into: Set<string>): void {
  for (const graph of [...(attribute.g ? [attribute.g] : []), ...attribute.graphs]) {
    for (const node of graph.node) {
      for (const input of node.input) into.add(input);
      for (const inner of node.attribute) collectSubgraphInputs(inner, into);
    }
  }
}

function makeNode(
  opType: string,
  name: string,
  input: string[],
  output: string[],
  attribute: AttributeProto[] = [],
): NodeProto {
  return create(NodeProtoSchema, { opType, name, input, output, attribute });
}

function intAttr(name: string, value: number): AttributeProto {
  return create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.INT, i: BigInt(value) });
}

function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = node.attribute.find((entry) => entry.name === name);
  return attribute ? Number(attribute.i) : fallback;
}

function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = node.attribute.find((entry) => entry.name === name);
  return attribute ? attribute.f : fallback;
}
