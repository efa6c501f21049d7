import { badRequest, readBodyText } from "@edgeflow/core";
import { MlflowError } from "@edgeflow/schema";

/** Scoring requests carry whole batches; 10 MB is far beyond any batch the CPU could score. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function readText(request: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return readBodyText(
    request,
    maxBytes,
    () => new MlflowError("BAD_REQUEST", `Request body must be at most ${maxBytes} bytes.`),
  );
}

/** A JSON object body (the OpenAI-style endpoints). */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    const error = new MlflowError("BAD_REQUEST", "Content-Type must be application/json.");
    Object.defineProperty(error, "httpStatus", { value: 415 });
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readText(request));
  } catch (error) {
    if (error instanceof MlflowError) throw error;
    throw badRequest("Malformed request body: it is not valid JSON.");
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest("The request body must be a JSON object.");
  return body as Record<string, unknown>;
}
