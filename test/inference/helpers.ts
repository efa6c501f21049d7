import { env, SELF } from "cloudflare:test";
import {
  createExperiment,
  createModelVersion,
  createRegisteredModel,
  deleteModelVersion,
  getTrace,
  searchTraces,
  setRegisteredModelAlias,
  setRegisteredModelTag,
  type TrackingContext,
} from "@edgeflow/core";
import * as schema from "@edgeflow/schema";
import { drizzle } from "drizzle-orm/d1";
import { inject } from "vitest";
import { clearAliasCache } from "../../workers/inference/src/registry-lookups";

export const BASE = "http://127.0.0.1:5001";

function registry(): TrackingContext {
  return {
    db: drizzle(env.DB, { schema }),
    now: () => Date.now(),
    artifactRoot: "mlflow-artifacts:/",
    get artifacts(): never {
      throw new Error("not used");
    },
  };
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** Registers versions of a model, one per fixture (in order), and returns its name. */
export async function registerModel(
  fixtures: string[],
  name = uniqueName(fixtures[0] ?? "model"),
): Promise<string> {
  const paths = inject("fixturePaths");
  await createRegisteredModel(registry(), { name });
  for (const fixture of fixtures) {
    await createModelVersion(registry(), { name, source: `mlflow-artifacts:/${paths[fixture]}` });
  }
  return name;
}

export async function setAlias(name: string, alias: string, version: number): Promise<void> {
  await setRegisteredModelAlias(registry(), { name, alias, version: String(version) });
}

/** A registered-model tag, written through core's rules (routing tags are checked there). */
export async function setModelTag(name: string, key: string, value: string): Promise<void> {
  await setRegisteredModelTag(registry(), name, key, value);
}

export async function newExperiment(name = uniqueName("serving")): Promise<string> {
  return createExperiment(registry(), { name });
}

/** The experiment's traces (newest first) with their spans, once at least `count` are there. */
export async function tracesIn(experimentId: string, count: number, filter?: string) {
  // Request logs are written after the response (waitUntil), so they appear a moment later.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { traces } = await searchTraces(registry(), { experimentIds: [experimentId], filter });
    if (traces.length >= count) {
      return Promise.all(traces.map((info) => getTrace(registry(), info.trace_id as string)));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { traces } = await searchTraces(registry(), { experimentIds: [experimentId] });
  throw new Error(
    `Fewer than ${count} traces appeared in experiment ${experimentId} (${traces.length} there).`,
  );
}

export async function deleteVersion(name: string, version: number): Promise<void> {
  await deleteModelVersion(registry(), name, String(version));
}

export { clearAliasCache };

export async function invoke(
  path: string,
  body: unknown,
  contentType = "application/json",
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export const modelPath = (name: string, version: number | string) =>
  `/models/${encodeURIComponent(name)}/${version}`;
