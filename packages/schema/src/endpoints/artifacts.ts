/** Artifact listings (service.proto's ListArtifacts, mlflow_artifacts.proto's ListArtifacts); the byte-moving artifact endpoints are raw routes. */
import {
  ListProxiedArtifacts,
  ListProxiedArtifactsResponse,
  ListRunArtifacts,
  ListRunArtifactsResponse,
} from "../wire/index";
import { endpoint } from "./endpoint";

export const artifactEndpoints = {
  listProxiedArtifacts: endpoint(
    "GET",
    "/mlflow-artifacts/artifacts",
    ListProxiedArtifacts,
    ListProxiedArtifactsResponse,
  ),
  listArtifacts: endpoint("GET", "/mlflow/artifacts/list", ListRunArtifacts, ListRunArtifactsResponse),
} as const;
