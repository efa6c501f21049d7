/**
 * fill-mask, question-answering, zero-shot-classification and image-classification through
 * /invocations, on the generated models (test/fixtures/encoder-models.ts), against transformers.js's
 * own pipeline on onnxruntime-node for the same folder and requests (computed in the global setup):
 * labels and strings equal, scores within each case's tolerance (1e-4 for fp32). Then the refusals:
 * each a 400 in MLflow's error form, and the model still serves the next request.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DOC_IMAGE } from "../fixtures/encoder/cases";
import { invoke, modelPath, registerModel } from "./helpers";

const cases = inject("encoderCases");
const names = new Map<string, string>();

beforeAll(async () => {
  const fixtures = [...new Set(cases.map((c) => c.fixture))];
  const registered = await Promise.all(fixtures.map((fixture) => registerModel([fixture])));
  for (const [i, fixture] of fixtures.entries()) names.set(fixture, registered[i] as string);
});

const url = (fixture: string) => `${modelPath(names.get(fixture) as string, 1)}/invocations`;

/** Equal, except numbers (scores) within `tolerance`. */
function expectClose(actual: unknown, expected: unknown, tolerance: number, at = "predictions"): void {
  if (typeof expected === "number") {
    expect(typeof actual, at).toBe("number");
    expect(Math.abs((actual as number) - expected), at).toBeLessThanOrEqual(tolerance);
  } else if (expected && typeof expected === "object") {
    expect(Object.keys(actual as object).sort(), at).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, tolerance, `${at}.${key}`);
    }
  } else {
    expect(actual, at).toEqual(expected);
  }
}

describe("encoder tasks equal transformers.js in Node", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { status, body } = await invoke(url(c.fixture), c.body);
    expect(status, JSON.stringify(body)).toBe(200);
    expectClose(body.predictions, c.expected, c.tolerance);
  });
});

describe("encoder tasks refuse bad inputs with a 400", () => {
  const refused = async (fixture: string, request: unknown, message: string) => {
    const { status, body } = await invoke(url(fixture), request);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error_code: "BAD_REQUEST" });
    expect(String(body.message)).toContain(message);
  };

  it("question-answering without a context", async () => {
    await refused(
      "tiny-question-answering",
      { inputs: [{ question: "Who works for Microsoft?" }] },
      "context",
    );
    const good = cases.find((c) => c.fixture === "tiny-question-answering");
    const { status, body } = await invoke(url("tiny-question-answering"), good?.body);
    expect(status).toBe(200);
    expect(body.predictions).toEqual(good?.expected);
  });

  it("fill-mask without a [MASK], zero-shot with a broken JSON label list", async () => {
    await refused("tiny-fill-mask", { inputs: ["Nothing to fill here."] }, "[MASK]");
    await refused(
      "tiny-zero-shot-classification",
      { inputs: [{ sequences: "I love this", candidate_labels: '["positive", ' }] },
      "not a valid JSON list",
    );
  });

  it("image-classification with invalid base64, a non-image, a truncated file or a huge one", async () => {
    const images = "tiny-image-classification";
    await refused(images, { inputs: ["not base64 at all!"] }, "not valid base64");
    await refused(images, { inputs: [btoa("just some text, no image")] }, "not a PNG or JPEG");
    await refused(images, { inputs: [DOC_IMAGE.slice(0, 60)] }, "could not be decoded as a PNG");
    // A JPEG's first bytes and nothing else.
    await refused(
      images,
      { inputs: [btoa("\xff\xd8\xff\xe0\x00\x10JFIF")] },
      "could not be decoded as a JPEG",
    );
    // The docs' PNG claiming 4000x4000 in its header: refused before anything is inflated.
    const huge = Uint8Array.from(atob(DOC_IMAGE), (char) => char.charCodeAt(0));
    new DataView(huge.buffer).setUint32(16, 4000);
    new DataView(huge.buffer).setUint32(20, 4000);
    await refused(images, { inputs: [btoa(String.fromCharCode(...huge))] }, "at most 4 MP");
    const docs = cases.find((c) => JSON.stringify(c.body) === JSON.stringify({ inputs: [DOC_IMAGE] }));
    const { status, body } = await invoke(url(images), docs?.body);
    expect(status).toBe(200);
    expectClose(body.predictions, docs?.expected, 1e-4);
  });
});
