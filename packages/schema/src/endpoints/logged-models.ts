/** MLflow 3's logged models (service.proto, `since` 3.0 paths served under /api/2.0 as MLflow does). */
import {
  CreateLoggedModel,
  DeleteLoggedModelTag,
  Empty,
  FinalizeLoggedModel,
  ListLoggedModelArtifacts,
  ListLoggedModelArtifactsResponse,
  LoggedModelRef,
  LoggedModelResponse,
  LogLoggedModelParams,
  LogOutputs,
  SearchLoggedModels,
  SearchLoggedModelsResponse,
  SetLoggedModelTags,
} from "../wire/index";
import { endpoint } from "./endpoint";

export const loggedModelEndpoints = {
  createLoggedModel: endpoint("POST", "/mlflow/logged-models", CreateLoggedModel, LoggedModelResponse),
  getLoggedModel: endpoint("GET", "/mlflow/logged-models/{model_id}", LoggedModelRef, LoggedModelResponse),
  finalizeLoggedModel: endpoint(
    "PATCH",
    "/mlflow/logged-models/{model_id}",
    FinalizeLoggedModel,
    LoggedModelResponse,
  ),
  deleteLoggedModel: endpoint("DELETE", "/mlflow/logged-models/{model_id}", LoggedModelRef, Empty),
  searchLoggedModels: endpoint(
    "POST",
    "/mlflow/logged-models/search",
    SearchLoggedModels,
    SearchLoggedModelsResponse,
  ),
  setLoggedModelTags: endpoint("PATCH", "/mlflow/logged-models/{model_id}/tags", SetLoggedModelTags, Empty),
  deleteLoggedModelTag: endpoint(
    "DELETE",
    "/mlflow/logged-models/{model_id}/tags/{tag_key}",
    DeleteLoggedModelTag,
    Empty,
  ),
  logLoggedModelParams: endpoint(
    "POST",
    "/mlflow/logged-models/{model_id}/params",
    LogLoggedModelParams,
    Empty,
  ),
  listLoggedModelArtifacts: endpoint(
    "GET",
    "/mlflow/logged-models/{model_id}/artifacts/directories",
    ListLoggedModelArtifacts,
    ListLoggedModelArtifactsResponse,
  ),
  logOutputs: endpoint("POST", "/mlflow/runs/outputs", LogOutputs, Empty),
} as const;
