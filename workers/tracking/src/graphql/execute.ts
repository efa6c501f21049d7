/**
 * MLflow's /graphql endpoint (handlers.py `_graphql`, 2.12.2) on graphql-js, the reference
 * implementation (the `graphql` package): parsing, validation and execution are the spec's, not
 * a hand-written parser's, and its errors read as graphql-core's do for the same mistakes.
 * Resolvers call core, as the REST rows do, and check the caller's permission on what they read.
 */
import * as core from "@edgeflow/core";
import type { RunWire } from "@edgeflow/schema";
import { MlflowError } from "@edgeflow/schema";
import {
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLFieldResolver,
  getNamedType,
  Kind,
  parse,
  type SelectionSetNode,
  validate,
} from "graphql";
import type { RequestContext } from "../request-context";
import { mlflowSchema } from "./schema";

/**
 * MLflow 2.12.2 sets no limits; these keep one request's cost bounded: the document's size in
 * tokens, its fields with fragments expanded (aliases and reused fragments multiply work), and
 * the lookups that reach D1 or the bucket.
 */
export const GRAPHQL_LIMITS = { maxTokens: 5000, maxFields: 1000, maxLookups: 50 } as const;

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** What MLflow answers: `data`, and `errors` as a list of messages (null without any). */
export interface GraphqlAnswer {
  data: unknown;
  errors: string[] | null;
}

interface Lookups {
  ctx: RequestContext;
  count: number;
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Every field is read from core's wire objects (snake_case) under its camelCase name, as graphene
 * reads proto messages; a function there is a resolver. LongString fields become strings.
 */
const fieldResolver: GraphQLFieldResolver<Record<string, unknown>, Lookups> = (
  source,
  args,
  lookups,
  info,
) => {
  const value = source?.[snakeCase(info.fieldName)] ?? source?.[info.fieldName];
  if (typeof value === "function") return value(args, lookups);
  if (getNamedType(info.returnType).name === "LongString" && value !== undefined && value !== null) {
    return String(value);
  }
  return value;
};

/** One lookup that reaches the database, counted against the request's budget. */
async function lookup<T>(lookups: Lookups, work: () => Promise<T>): Promise<T> {
  lookups.count += 1;
  if (lookups.count > GRAPHQL_LIMITS.maxLookups) {
    throw new GraphQLError(`This query needs more than ${GRAPHQL_LIMITS.maxLookups} lookups; split it.`);
  }
  return work();
}

async function requireExperimentRead({ ctx }: Lookups, experimentId: string) {
  if (ctx.auth.caller)
    await core.requireExperiments(ctx.tracking.db, ctx.auth.caller, [experimentId], "read");
}

function runExtension(run: RunWire) {
  const experimentId = run.info?.experiment_id ?? "";
  const runId = run.info?.run_id ?? "";
  return {
    ...run,
    // The run's own experiment: readable, since the run was (runs answer with their experiment's permission).
    experiment: (_args: unknown, lookups: Lookups) =>
      lookup(lookups, () => core.getExperiment(lookups.ctx.tracking, experimentId)),
    model_versions: async (_args: unknown, lookups: Lookups) =>
      (
        await lookup(lookups, () =>
          core.searchModelVersions(lookups.ctx.tracking, { filter: `run_id='${runId}'` }),
        )
      ).model_versions,
  };
}

type Input<T> = { input?: T | null };

const rootValue = {
  mlflow_get_experiment: async ({ input }: Input<{ experimentId?: string | null }>, lookups: Lookups) => {
    const id = input?.experimentId ?? "";
    return lookup(lookups, async () => {
      await requireExperimentRead(lookups, id);
      return { experiment: await core.getExperiment(lookups.ctx.tracking, id) };
    });
  },
  mlflow_get_run: async (
    { input }: Input<{ runId?: string | null; runUuid?: string | null }>,
    lookups: Lookups,
  ) => {
    const runId = core.runIdOf({ run_id: input?.runId ?? undefined, run_uuid: input?.runUuid ?? undefined });
    return lookup(lookups, async () => {
      const { ctx } = lookups;
      if (ctx.auth.caller) await core.requireRuns(ctx.tracking.db, ctx.auth.caller, [runId], "read");
      return { run: runExtension(await core.getRun(ctx.tracking, runId)) };
    });
  },
  mlflow_search_model_versions: (
    {
      input,
    }: Input<{
      filter?: string | null;
      maxResults?: unknown;
      orderBy?: (string | null)[] | null;
      pageToken?: string | null;
    }>,
    lookups: Lookups,
  ) =>
    lookup(lookups, () =>
      core.searchModelVersions(lookups.ctx.tracking, {
        filter: input?.filter ?? undefined,
        max_results: longOf(input?.maxResults, "max_results"),
        order_by: input?.orderBy?.flatMap((clause) => clause ?? []),
        page_token: input?.pageToken ?? undefined,
      }),
    ),
  test: ({ inputString }: { inputString?: string | null }) => ({ output: inputString ?? null }),
  test_mutation: ({ inputString }: { inputString?: string | null }) => ({ output: inputString ?? null }),
};

/** LongString input, as graphql_custom_scalars.LongString parses it: an integer, or an integer string. */
function longOf(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number === "number" && Number.isSafeInteger(number)) return number;
  throw MlflowError.invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}'.`);
}

/** Fields the document selects with its fragments expanded (each fragment counted once, then reused). */
function fieldCount(document: DocumentNode): number {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const count = (set: SelectionSetNode | undefined): number => {
    let total = 0;
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) total += 1 + count(selection.selectionSet);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet);
      else {
        const name = selection.name.value;
        if (!memo.has(name)) {
          // A cycle is a validation error reported by graphql-js; count it as nothing here.
          if (visiting.has(name)) continue;
          visiting.add(name);
          memo.set(name, count(fragments.get(name)?.selectionSet));
          visiting.delete(name);
        }
        total += memo.get(name) ?? 0;
      }
    }
    return total;
  };
  return document.definitions.reduce(
    (sum, d) => sum + (d.kind === Kind.OPERATION_DEFINITION ? count(d.selectionSet) : 0),
    0,
  );
}

/** An error's text for the caller: an MlflowError's message is meant for them, anything else is logged. */
function messageOf(error: GraphQLError): string {
  const original = error.originalError;
  if (!original || original instanceof MlflowError || original instanceof GraphQLError) return error.message;
  console.error("graphql resolver failed", original);
  return "Internal error; see the worker's logs.";
}

const refused = (message: string): GraphqlAnswer => ({ data: null, errors: [message] });

export async function runGraphql(request: GraphqlRequest, ctx: RequestContext): Promise<GraphqlAnswer> {
  const schema = mlflowSchema();
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: GRAPHQL_LIMITS.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError) return refused(error.message);
    throw error;
  }
  const invalid = validate(schema, document, undefined, { maxErrors: 20 });
  if (invalid.length > 0) return { data: null, errors: invalid.map((e) => e.message) };
  if (fieldCount(document) > GRAPHQL_LIMITS.maxFields) {
    return refused(`This query selects more than ${GRAPHQL_LIMITS.maxFields} fields; split it.`);
  }
  const lookups: Lookups = { ctx, count: 0 };
  const result = await execute({
    schema,
    document,
    rootValue,
    contextValue: lookups,
    variableValues: request.variables ?? undefined,
    operationName: request.operationName ?? undefined,
    fieldResolver,
  });
  return {
    data: result.data ?? null,
    errors: result.errors && result.errors.length > 0 ? result.errors.map(messageOf) : null,
  };
}
