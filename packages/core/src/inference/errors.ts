import { MlflowError } from "@edgeflow/schema";

/** A request the scoring server cannot read: MLflow's BAD_REQUEST (400). */
export function badRequest(message: string): MlflowError {
  return new MlflowError("BAD_REQUEST", message);
}
