export { requireLoggedModels } from "./access";
export { downloadLoggedModelArtifact, listLoggedModelArtifacts } from "./artifacts";
export { deleteLoggedModelTag, logLoggedModelParams, setLoggedModelTags } from "./entries";
export {
  createLoggedModel,
  deleteLoggedModel,
  finalizeLoggedModel,
  getLoggedModel,
  newLoggedModelId,
} from "./models";
export { logRunOutputs } from "./outputs";
export { getLoggedModelRow, loggedModelNotFound } from "./reader";
export { searchLoggedModels } from "./search";
export { loggedModelLimits } from "./validation";
