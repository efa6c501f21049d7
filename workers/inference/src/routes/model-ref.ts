import { badRequest, type ModelRef, parseModelRef } from "@edgeflow/core";

/** The reference in a /models/{ref}/... path, percent-decoded once. */
export function refFromPath(raw: string | undefined): ModelRef {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw ?? "");
  } catch {
    throw badRequest(`Malformed percent-encoding in the model reference '${raw}'.`);
  }
  return parseModelRef(decoded);
}

/** The "model" field of an OpenAI-style body: "<name>@<alias>" or "<name>/<version>". */
export function refFromBody(body: Record<string, unknown>): ModelRef {
  if (typeof body.model !== "string" || body.model === "") {
    throw badRequest("'model' is required: '<name>@<alias>' or '<name>/<version>' of a registered model.");
  }
  return parseModelRef(body.model);
}
