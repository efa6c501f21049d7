import { json, readMlflowJson } from "@edgeflow/http";
import { MlflowError } from "@edgeflow/schema";
import * as rule from "../auth/rules";
import { type GraphqlRequest, runGraphql } from "../graphql/execute";
import type { RequestContext } from "../request-context";
import { type Route, rawRoute } from "./route";

/** A GraphQL document is small; MLflow's UI sends a few KB. */
const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

const invalid = (message: string) => MlflowError.invalidParameter(message);

/** `query`, `variables` and `operationName`, from a JSON body (POST) or the query string (GET). */
function graphqlRequestOf(fields: Record<string, unknown>): GraphqlRequest {
  const { query, operationName } = fields;
  let { variables } = fields;
  if (typeof query !== "string" || query.trim() === "")
    throw invalid("GraphQL request must specify a query.");
  if (typeof variables === "string" && variables !== "") {
    try {
      variables = JSON.parse(variables);
    } catch {
      throw invalid("GraphQL variables must be a JSON object.");
    }
  }
  if (variables === "") variables = undefined;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  ) {
    throw invalid("GraphQL variables must be a JSON object.");
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw invalid("GraphQL operationName must be a string.");
  }
  return { query, variables: variables as GraphqlRequest["variables"], operationName };
}

async function answer(request: GraphqlRequest, ctx: RequestContext): Promise<Response> {
  // MLflow answers 200 with `errors` for every GraphQL-level failure (syntax, validation, a resolver's).
  return json(await runGraphql(request, ctx));
}

/**
 * MLflow mounts /graphql (GET and POST) at the root; /ajax-api/graphql serves the same for a UI
 * that keeps every API call under /ajax-api (routes/index.ts mounts both). Any signed-in user may
 * ask; each resolver checks READ on what it reads (graphql/execute.ts).
 */
export const graphqlRoutes: Route[] = [
  rawRoute("POST", "/graphql", rule.USER, async (request, ctx) =>
    answer(graphqlRequestOf(await readMlflowJson(request, MAX_GRAPHQL_BODY_BYTES)), ctx),
  ),
  rawRoute("GET", "/graphql", rule.USER, async (_request, ctx) =>
    answer(graphqlRequestOf(Object.fromEntries(ctx.url.searchParams)), ctx),
  ),
];
