import type { Database } from "./db";

/** What every tracking operation runs against: the database, a clock and the artifact root. */
export interface TrackingContext {
  db: Database;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Root for new experiments' artifact locations, e.g. "mlflow-artifacts:/". */
  artifactRoot: string;
}
