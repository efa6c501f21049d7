import { MlflowError } from "@edgeflow/schema";

/** Every search input error is INVALID_PARAMETER_VALUE, as in MLflow. */
export function invalid(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

// Echoed user input is cut short so a huge filter cannot produce a huge error response.
const SNIPPET_LENGTH = 300;

export function snippet(text: string): string {
  return text.length <= SNIPPET_LENGTH ? text : `${text.slice(0, SNIPPET_LENGTH)}...`;
}

/** Python's repr of a set of strings, which MLflow's messages print (in a fixed order here). */
export function pySet(values: Iterable<string>): string {
  return `{${[...values].map((value) => `'${value}'`).join(", ")}}`;
}

/** Python's repr of a list of strings. */
export function pyList(values: Iterable<string>): string {
  return `[${[...values].map((value) => `'${snippet(value)}'`).join(", ")}]`;
}
