/**
 * Spans made by the OpenTelemetry JS SDK itself (TracerProvider, Tracer, Span → ReadableSpan), with
 * seeded ids and explicit HrTime timestamps so the same code always yields the same bytes. Shared
 * by scripts/generate-otlp-fixtures.ts (the committed fixtures) and bench/otlp.ts (its payloads);
 * nothing here imports Edgeflow, so what it encodes is independent of Edgeflow's decoder.
 */
import {
  type Attributes,
  type Context,
  type HrTime,
  ROOT_CONTEXT,
  type Span,
  trace,
} from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  type IdGenerator,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

/** mulberry32: a tiny seeded PRNG, so ids are random-looking and reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** W3C ids from a seed (never all zeros, which the SDK treats as invalid). */
export class SeededIds implements IdGenerator {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }
  private hex(length: number): string {
    let out = "";
    while (out.length < length) out += Math.floor(this.random() * 16).toString(16);
    return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
  }
  generateTraceId(): string {
    return this.hex(32);
  }
  generateSpanId(): string {
    return this.hex(16);
  }
}

/** A provider whose ended spans land in memory; `finished()` returns them as ReadableSpans. */
export function sdkTracer(options: {
  seed: number;
  resource: Attributes;
  scope: string;
  version?: string;
  schemaUrl?: string;
}) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(options.resource as Record<string, string>),
    idGenerator: new SeededIds(options.seed),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer(
    options.scope,
    options.version,
    options.schemaUrl ? { schemaUrl: options.schemaUrl } : {},
  );
  return {
    provider,
    tracer,
    /** The context in which a new span becomes `parent`'s child. */
    under: (parent: Span): Context => trace.setSpan(ROOT_CONTEXT, parent),
    finished: (): ReadableSpan[] => exporter.getFinishedSpans(),
  };
}

/** Adds `ns` nanoseconds to an HrTime, exactly. */
export function addNs(time: HrTime, ns: number): HrTime {
  const total = BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]) + BigInt(ns);
  return [Number(total / 1_000_000_000n), Number(total % 1_000_000_000n)];
}

/** 2025-01-01T00:00:00.123456789Z: nanosecond digits survive only if no one rounds through a double. */
export const EPOCH: HrTime = [1_735_689_600, 123_456_789];

/**
 * The bench's payloads: `traces` traces of `spansPerTrace` spans (a root and children), each span
 * with MLflow's attributes and a mix of typed ones, one event per span. Plain Node; no Edgeflow.
 */
export function benchSpans(traces: number, spansPerTrace: number, seed = 7): ReadableSpan[] {
  const { tracer, under, finished } = sdkTracer({
    seed,
    resource: { "service.name": "bench", "host.name": "bench-host", "process.pid": 4242 },
    scope: "edgeflow-bench",
    version: "1.0.0",
  });
  for (let t = 0; t < traces; t++) {
    const start = addNs(EPOCH, t * 1_000_000_000);
    const root = tracer.startSpan("agent.run", { startTime: start }, ROOT_CONTEXT);
    const traceId = root.spanContext().traceId;
    root.setAttributes({
      "mlflow.traceRequestId": `tr-${traceId}`,
      "mlflow.spanType": '"AGENT"',
      "mlflow.spanInputs": JSON.stringify({ messages: [{ role: "user", content: `question ${t}` }] }),
      "mlflow.spanOutputs": JSON.stringify({ choices: [{ message: { role: "assistant", content: "ok" } }] }),
    });
    for (let s = 1; s < spansPerTrace; s++) {
      const childStart = addNs(start, s * 1_000_000);
      const child = tracer.startSpan(`step.${s}`, { startTime: childStart }, under(root));
      child.setAttributes({
        "mlflow.traceRequestId": `tr-${traceId}`,
        "mlflow.spanType": s % 2 ? '"LLM"' : '"TOOL"',
        "mlflow.spanInputs": JSON.stringify({ prompt: `step ${s} of trace ${t}`, temperature: 0.2 }),
        "mlflow.spanOutputs": JSON.stringify({ text: "lorem ipsum dolor sit amet ".repeat(3) }),
        "llm.model": "gpt-4o-mini",
        "llm.tokens.input": 100 + s,
        "llm.tokens.output": 20 + s,
        "llm.latency_s": 0.25 + s / 1000,
        "llm.cached": s % 3 === 0,
        "llm.stop": ["\n", "###"],
      });
      child.addEvent("token", { index: s, text: "tok" }, addNs(childStart, 500_000));
      child.setStatus({ code: s % 10 === 0 ? 2 : 1, ...(s % 10 === 0 ? { message: "retry" } : {}) });
      child.end(addNs(childStart, 900_000));
    }
    root.setStatus({ code: 1 });
    root.end(addNs(start, spansPerTrace * 1_000_000));
  }
  return finished();
}
