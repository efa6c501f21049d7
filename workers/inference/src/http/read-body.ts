import { JSON_DIALECTS, readBodyText, readJsonObject as readJson } from "@edgeflow/http";

/** Scoring requests carry whole batches; 10 MB is far beyond any batch the CPU could score. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const { scoring } = JSON_DIALECTS;

/** A scoring body as text (JSON, CSV, ...), refused past `maxBytes` in the scoring server's words. */
export function readText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return readBodyText(request, maxBytes, (size) => scoring.tooLarge(maxBytes, size));
}

/** A JSON object body (the OpenAI-style endpoints). */
export function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  return readJson(request, MAX_BODY_BYTES, scoring);
}
