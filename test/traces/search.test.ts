import { beforeAll, describe, expect, it } from "vitest";
import { createExperiment } from "../helpers/api";
import { call, clientTrace, sendSpans, traceInfo } from "./helpers";
import type { TestSpan } from "./otlp-encoder";

/**
 * MLflow 3.11's trace filters beyond attributes and tags: feedback.<name> / expectation.<name>
 * on valid assessments, IS NULL / IS NOT NULL on tags, metadata and assessments, span.content
 * and `text`, span.attributes.<name>, and span clauses that one span must satisfy together.
 */

let exp: string;
const ids: string[] = [];

async function search(filter: string): Promise<{ status: number; ids?: string[]; error?: string }> {
  const reply = await call<{ traces?: { trace_id: string }[]; error_code?: string; message?: string }>(
    "POST",
    "traces/search",
    {
      locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: exp } }],
      filter,
      order_by: ["timestamp_ms ASC"],
    },
  );
  if (reply.status !== 200) return { status: reply.status, error: reply.body.message };
  return { status: 200, ids: (reply.body.traces ?? []).map((t) => t.trace_id) };
}

const found = async (filter: string) => {
  const result = await search(filter);
  expect(result, filter).toMatchObject({ status: 200 });
  return (result.ids ?? []).map((id) => ids.indexOf(id));
};

async function assess(traceId: string, name: string, kind: "feedback" | "expectation", value: unknown) {
  const reply = await call("POST", `traces/${traceId}/assessments`, {
    assessment: {
      assessment_name: name,
      source: { source_type: "HUMAN", source_id: "me" },
      [kind]: { value },
    },
  });
  expect(reply.status).toBe(200);
  return (reply.body as { assessment: { assessment_id: string } }).assessment.assessment_id;
}

beforeAll(async () => {
  exp = await createExperiment();
  const base = Date.now() - 60_000;
  for (let i = 0; i < 3; i += 1) {
    const t = clientTrace(base + i * 1000);
    const [root, child] = t.spans as [TestSpan, TestSpan];
    root.attributes = {
      ...root.attributes,
      "llm.model": i === 0 ? "gpt-4o" : "claude",
      "mlflow.spanOutputs": `"answer ${i}"`,
    };
    // Trace 1's child is an ERROR span named "retrieve"; trace 2 has "retrieve" OK and another ERROR span.
    child.name = i === 0 ? "child" : "retrieve";
    child.status = i === 1 ? { code: 2, message: "x" } : { code: 1 };
    const spans = [root, child];
    if (i === 2)
      spans.push({
        ...child,
        spanId: crypto.getRandomValues(new Uint8Array(8)),
        name: "other",
        status: { code: 2 },
      });
    expect((await sendSpans(exp, spans)).status).toBe(200);
    await call(
      "POST",
      "traces",
      traceInfo(exp, t.mlflowId, Math.floor(Number(t.start / 1_000_000n)), {
        tags: { "mlflow.traceName": `n${i}`, ...(i === 0 ? { reviewed: "yes" } : {}) },
        trace_metadata: i === 1 ? { "mlflow.sourceRun": "r1" } : {},
      }),
    );
    ids.push(t.mlflowId);
  }
  await assess(ids[0] as string, "correct", "feedback", true);
  await assess(ids[1] as string, "correct", "feedback", false);
  await assess(ids[1] as string, "tone", "feedback", "polite");
  await assess(ids[2] as string, "answer", "expectation", "42");
  // An overridden assessment is no longer valid, and filters ignore it.
  const old = await assess(ids[2] as string, "correct", "feedback", true);
  const override = await call("POST", `traces/${ids[2]}/assessments`, {
    assessment: {
      assessment_name: "correct",
      source: { source_type: "HUMAN", source_id: "you" },
      feedback: { value: 0.5 },
      overrides: old,
    },
  });
  expect(override.status).toBe(200);
});

describe("search_traces filters from MLflow 3.11", () => {
  it("filters on feedback and expectation values, as JSON or as written", async () => {
    expect(await found("feedback.correct = 'true'")).toEqual([0]);
    expect(await found("feedback.correct = 'false'")).toEqual([1]);
    expect(await found("feedback.correct = '0.5'")).toEqual([2]);
    expect(await found("feedback.correct != 'true'")).toEqual([1, 2]);
    expect(await found("feedback.tone = 'polite'")).toEqual([1]);
    expect(await found("feedback.tone LIKE '%oli%'")).toEqual([1]);
    expect(await found("expectation.answer = '42'")).toEqual([2]);
    expect(await found("expectation.correct = 'true'")).toEqual([]);
    expect(await found("feedback.`correct` IS NOT NULL AND feedback.tone IS NULL")).toEqual([0, 2]);
  });

  it("takes IS NULL and IS NOT NULL on tags, metadata and assessments only", async () => {
    expect(await found("tags.reviewed IS NOT NULL")).toEqual([0]);
    expect(await found("tag.reviewed IS NULL")).toEqual([1, 2]);
    expect(await found("metadata.`mlflow.sourceRun` IS NOT NULL")).toEqual([1]);
    expect(await found("request_metadata.`mlflow.sourceRun` is null")).toEqual([0, 2]);
    expect(await found("expectation.answer IS NULL")).toEqual([0, 1]);
    const attribute = await search("status IS NULL");
    expect(attribute.status).toBe(400);
    expect(attribute.error).toMatch(/^Invalid comparator 'IS NULL' not one of/);
    expect((await search("span.name IS NOT NULL")).status).toBe(400);
    expect((await search("tags.reviewed IS 'x'")).status).toBe(400);
  });

  it("keeps IS NULL invalid in run filters", async () => {
    const runs = await call(
      "POST",
      "runs/search",
      { experiment_ids: [exp], filter: "tags.x IS NULL" },
      "2.0",
    );
    expect(runs.status).toBe(400);
    expect((runs.body as { message: string }).message).toMatch(/^Invalid clause\(s\) in filter string/);
  });

  it("filters on span attributes, content and text", async () => {
    expect(await found("span.attributes.`llm.model` = 'gpt-4o'")).toEqual([0]);
    expect(await found("span.attributes.`llm.model` LIKE 'cla%'")).toEqual([1, 2]);
    expect(await found("span.attributes.`mlflow.spanType` = 'LLM'")).toEqual([0, 1, 2]);
    expect(await found("span.attributes.`mlflow.spanOutputs` IN ('\"answer 1\"')")).toEqual([1]);
    expect(await found("span.content LIKE '%answer 2%'")).toEqual([2]);
    expect(await found("text ILIKE '%ANSWER 0%'")).toEqual([0]);
    expect((await search("span.content = 'x'")).status).toBe(400);
    const empty = await search("span.attributes. = 'x'");
    expect(empty.status).toBe(400);
    const unknown = await search("span.kind = 'x'");
    expect(unknown.error).toBe(
      "Invalid span attribute 'kind'. Supported attributes: name, type, status, attributes.<attribute_name>.",
    );
  });

  it("needs one span to satisfy all span clauses", async () => {
    expect(await found("span.name = 'retrieve'")).toEqual([1, 2]);
    expect(await found("span.status = 'ERROR'")).toEqual([1, 2]);
    expect(await found("span.name = 'retrieve' AND span.status = 'ERROR'")).toEqual([1]);
    expect(
      await found("span.name = 'retrieve' AND span.status = 'ERROR' AND feedback.correct = 'false'"),
    ).toEqual([1]);
  });
});
