import { MlflowError } from "@edgeflow/schema";

/** MLflow's registry errors, word for word. Versions are echoed as the client wrote them. */

export function modelNotFound(name: string): MlflowError {
  return MlflowError.notFound(`Registered Model with name=${name} not found`);
}

export function versionNotFound(name: string, version: string | number): MlflowError {
  return MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
}

export function modelAlreadyExists(name: string): MlflowError {
  return MlflowError.alreadyExists(`Registered Model (name=${name}) already exists.`);
}

export function aliasNotFound(alias: string): MlflowError {
  // MLflow answers a missing alias with INVALID_PARAMETER_VALUE (400), not a 404.
  return MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
}
