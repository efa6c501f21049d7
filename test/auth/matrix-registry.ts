import { uniqueName } from "../helpers/api";
import { type Case, get, send } from "./matrix-fixture";

/** The matrix's registry, permission and visibility endpoints, each with the permission its rule asks for. */
export const registryCases: Case[] = [
  // Registered models
  [
    "registered-models/create",
    "user",
    send("POST", "mlflow/registered-models/create", () => ({ name: uniqueName("m") })),
  ],
  ["registered-models/search", "user", get("mlflow/registered-models/search", () => ({}))],
  ["model-versions/search", "user", get("mlflow/model-versions/search", () => ({}))],
  ["registered-models/get", "read", get("mlflow/registered-models/get", (f) => ({ name: f.model }))],
  [
    "registered-models/get-latest-versions (GET)",
    "read",
    get("mlflow/registered-models/get-latest-versions", (f) => ({ name: f.model })),
  ],
  [
    "registered-models/get-latest-versions (POST)",
    "read",
    send("POST", "mlflow/registered-models/get-latest-versions", (f) => ({ name: f.model })),
  ],
  [
    "registered-models/alias (GET)",
    "read",
    get("mlflow/registered-models/alias", (f) => ({ name: f.model, alias: "champion" })),
  ],
  ["model-versions/get", "read", get("mlflow/model-versions/get", (f) => ({ name: f.model, version: "1" }))],
  [
    "model-versions/get-download-uri",
    "read",
    get("mlflow/model-versions/get-download-uri", (f) => ({ name: f.model, version: "1" })),
  ],
  [
    "/model-versions/get-artifact",
    "read",
    get("/model-versions/get-artifact", (f) => ({ name: f.model, version: "1", path: "MLmodel" })),
  ],
  [
    "registered-models/rename",
    "update",
    send("POST", "mlflow/registered-models/rename", (f) => ({ name: f.model, new_name: uniqueName("rn") })),
  ],
  [
    "registered-models/update",
    "update",
    send("PATCH", "mlflow/registered-models/update", (f) => ({ name: f.model, description: "d" })),
  ],
  [
    "registered-models/set-tag",
    "update",
    send("POST", "mlflow/registered-models/set-tag", (f) => ({ name: f.model, key: "k", value: "v" })),
  ],
  [
    "registered-models/delete-tag",
    "update",
    send("DELETE", "mlflow/registered-models/delete-tag", (f) => ({ name: f.model, key: "t" })),
  ],
  [
    "registered-models/alias (POST)",
    "update",
    send("POST", "mlflow/registered-models/alias", (f) => ({ name: f.model, alias: "next", version: "1" })),
  ],
  [
    "model-versions/create",
    "update",
    send("POST", "mlflow/model-versions/create", (f) => ({
      name: f.model,
      source: `runs:/${f.runId}/model`,
    })),
  ],
  [
    "model-versions/update",
    "update",
    send("PATCH", "mlflow/model-versions/update", (f) => ({ name: f.model, version: "1", description: "d" })),
  ],
  [
    "model-versions/transition-stage",
    "update",
    send("POST", "mlflow/model-versions/transition-stage", (f) => ({
      name: f.model,
      version: "1",
      stage: "Staging",
    })),
  ],
  [
    "model-versions/set-tag",
    "update",
    send("POST", "mlflow/model-versions/set-tag", (f) => ({
      name: f.model,
      version: "1",
      key: "k",
      value: "v",
    })),
  ],
  [
    "registered-models/delete",
    "delete",
    send("DELETE", "mlflow/registered-models/delete", (f) => ({ name: f.model })),
  ],
  [
    "registered-models/alias (DELETE)",
    "delete",
    send("DELETE", "mlflow/registered-models/alias", (f) => ({ name: f.model, alias: "champion" })),
  ],
  [
    "model-versions/delete",
    "delete",
    send("DELETE", "mlflow/model-versions/delete", (f) => ({ name: f.model, version: "1" })),
  ],
  [
    "model-versions/delete-tag (MLflow: MANAGE)",
    "delete",
    send("DELETE", "mlflow/model-versions/delete-tag", (f) => ({ name: f.model, version: "1", key: "t" })),
  ],
  // Permission management and visibility
  [
    "experiments/permissions/get",
    "manage",
    get("mlflow/experiments/permissions/get", (f) => ({ experiment_id: f.experimentId, username: f.other })),
  ],
  [
    "registered-models/permissions/create",
    "manage",
    send("POST", "mlflow/registered-models/permissions/create", (f) => ({
      name: f.model,
      username: f.other,
      permission: "READ",
    })),
  ],
  [
    "edgeflow set-visibility",
    "manage",
    send("POST", "edgeflow/registered-models/set-visibility", (f) => ({
      name: f.model,
      visibility: "PUBLIC",
    })),
  ],
  [
    "edgeflow get-visibility",
    "read",
    get("edgeflow/registered-models/get-visibility", (f) => ({ name: f.model })),
  ],
];
