/**
 * Experiment ids are integers that travel as strings. At most 15 digits, so every id is exact as a
 * JavaScript number; anything else names no experiment, and each caller says so in MLflow's words
 * for its endpoint (a 404, an INVALID_PARAMETER_VALUE, or simply no match).
 */
const EXPERIMENT_ID = /^\d{1,15}$/;

/** The stored id an experiment id string stands for, or undefined when it cannot be one. */
export function experimentIdNumber(id: string): number | undefined {
  return EXPERIMENT_ID.test(id) ? Number(id) : undefined;
}
