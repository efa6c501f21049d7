import { MlflowError, publicRegisteredModels, registeredModels } from "@edgeflow/schema";
import { eq } from "drizzle-orm";
import type { Database } from "../db";
import { modelNotFound } from "../registry/errors";

/**
 * A registered model is private unless marked PUBLIC: then the inference worker serves it to
 * callers without credentials. Visibility says nothing about the registry API, where the
 * model's permissions still apply.
 */
export type Visibility = "PUBLIC" | "PRIVATE";

/** The model must exist (permission rows and visibility name one); MLflow's 404 otherwise. */
export async function requireModel(db: Database, name: string): Promise<void> {
  const row = await db
    .select({ name: registeredModels.name })
    .from(registeredModels)
    .where(eq(registeredModels.name, name))
    .get();
  if (!row) throw modelNotFound(name);
}

export async function isModelPublic(db: Database, name: string): Promise<boolean> {
  const row = await db
    .select({ name: publicRegisteredModels.name })
    .from(publicRegisteredModels)
    .where(eq(publicRegisteredModels.name, name))
    .get();
  return row !== undefined;
}

export async function getModelVisibility(db: Database, name: string): Promise<Visibility> {
  await requireModel(db, name);
  return (await isModelPublic(db, name)) ? "PUBLIC" : "PRIVATE";
}

export async function setModelVisibility(
  db: Database,
  name: string,
  visibility: string,
  now: number,
): Promise<void> {
  if (visibility !== "PUBLIC" && visibility !== "PRIVATE") {
    throw MlflowError.invalidParameter(
      `Invalid visibility '${visibility}'. Valid values are: ('PUBLIC', 'PRIVATE')`,
    );
  }
  await requireModel(db, name);
  if (visibility === "PUBLIC") {
    await db.insert(publicRegisteredModels).values({ name, sinceTime: now }).onConflictDoNothing();
  } else {
    await db.delete(publicRegisteredModels).where(eq(publicRegisteredModels.name, name));
  }
}
