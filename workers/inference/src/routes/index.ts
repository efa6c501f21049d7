import { modelRoutes } from "./models";
import { openAiRoutes } from "./openai";
import type { Route } from "./route";
import { serviceRoutes } from "./service";

/** Every endpoint the inference worker serves: one row each. */
export const routes: Route[] = [...serviceRoutes, ...modelRoutes, ...openAiRoutes];
