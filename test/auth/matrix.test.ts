import { describe, expect, it } from "vitest";
import { ADMIN, grantExperiment, grantModel, newUser } from "./helpers";
import { fixture, type Need } from "./matrix-fixture";
import { registryCases } from "./matrix-registry";
import { trackingCases } from "./matrix-tracking";

/**
 * The permission matrix: every tracking, artifact and registry endpoint, called by users holding
 * each permission level on the experiment (and its runs and artifacts) and on the model, against
 * MLflow's rule for that endpoint. Each call gets fresh resources, so destructive calls are
 * checked like any other.
 */

type Level = "admin" | "MANAGE" | "EDIT" | "READ" | "NO_PERMISSIONS" | "none (default)";

const ALLOWED: Record<Level, Need[]> = {
  admin: ["user", "read", "update", "delete", "manage"],
  MANAGE: ["user", "read", "update", "delete", "manage"],
  EDIT: ["user", "read", "update"],
  READ: ["user", "read"],
  NO_PERMISSIONS: ["user"],
  "none (default)": ["user"],
};

const cases = [...trackingCases, ...registryCases];

const levels: Level[] = ["admin", "MANAGE", "EDIT", "READ", "NO_PERMISSIONS", "none (default)"];
const users = new Map<Level, Promise<{ username: string; password: string }>>();
const userFor = (level: Level) => {
  if (level === "admin") return Promise.resolve(ADMIN);
  if (!users.has(level)) users.set(level, newUser(level.replace(/\W/g, "")));
  return users.get(level) as Promise<{ username: string; password: string }>;
};

describe.each(levels)("a user with %s", (level) => {
  it.each(cases)("%s (needs %s)", async (_name, need, run) => {
    const user = await userFor(level);
    const f = await fixture();
    if (level !== "admin" && level !== "none (default)") {
      await grantExperiment(f.experimentId, user.username, level);
      await grantModel(f.model, user.username, level);
    }
    const reply = await run(user, f);
    if (ALLOWED[level].includes(need)) {
      expect([reply.status, reply.body]).toEqual([200, expect.anything()]);
    } else {
      expect([reply.status, (reply.body as { error_code?: string }).error_code]).toEqual([
        403,
        "PERMISSION_DENIED",
      ]);
    }
  });
});
