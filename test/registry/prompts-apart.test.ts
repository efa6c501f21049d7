import { beforeAll, describe, expect, it } from "vitest";
import { get, uniqueName } from "../helpers/api";
import { createModel, createVersion } from "../helpers/registry";

// MLflow 3 keeps prompts (registered models tagged mlflow.prompt.is_prompt = 'true') out of model
// searches and models out of prompt searches. The 3.x client appends
// tag.`mlflow.prompt.is_prompt` != 'true' to every model search: a model without the tag must match.
const IS_PROMPT = "mlflow.prompt.is_prompt";

describe("prompts and models in one registry", () => {
  const prefix = uniqueName("prm").replaceAll("-", "_");
  const name = (suffix: string) => `${prefix}_${suffix}`;
  const inPrefix = `name LIKE '${prefix}%'`;
  const models = async (filter: string) => {
    const { status, body } = await get<{ registered_models?: { name: string }[] }>(
      "registered-models/search",
      {
        filter,
      },
    );
    expect(status).toBe(200);
    return (body.registered_models ?? []).map((m) => m.name.slice(prefix.length + 1));
  };
  const versions = async (filter: string) => {
    const { status, body } = await get<{ model_versions?: { name: string; version: string }[] }>(
      "model-versions/search",
      { filter },
    );
    expect(status).toBe(200);
    return (body.model_versions ?? []).map((v) => `${v.name.slice(prefix.length + 1)}/${v.version}`).sort();
  };

  beforeAll(async () => {
    await createModel(name("plain"));
    await createModel(name("tagged_false"), { tags: [{ key: IS_PROMPT, value: "false" }] });
    await createModel(name("prompt"), { tags: [{ key: IS_PROMPT, value: "true" }] });
    await createVersion(name("plain"));
    await createVersion(name("prompt"), { tags: [{ key: IS_PROMPT, value: "true" }] });
  });

  it("a model search (the 3.x client's filter, or none) finds models, with or without the tag", async () => {
    expect(await models(`${inPrefix} AND tag.\`${IS_PROMPT}\` != 'true'`)).toEqual(["plain", "tagged_false"]);
    expect(await models(inPrefix)).toEqual(["plain", "tagged_false"]);
    expect(await models(`${inPrefix} AND tags.\`${IS_PROMPT}\` = 'false'`)).toEqual([
      "plain",
      "tagged_false",
    ]);
  });

  it("a prompt search (= 'true' or != 'false') finds only prompts", async () => {
    expect(await models(`${inPrefix} AND tags.\`${IS_PROMPT}\` = 'true'`)).toEqual(["prompt"]);
    // Any case makes it a prompt search; the clause then compares as written, as MLflow's does.
    expect(await models(`${inPrefix} AND tags.\`${IS_PROMPT}\` = 'TRUE'`)).toEqual([]);
    expect(await models(`${inPrefix} AND tags.\`${IS_PROMPT}\` != 'false'`)).toEqual(["prompt"]);
  });

  it("model-versions/search keeps prompt versions apart the same way", async () => {
    expect(await versions(`name LIKE '${prefix}%' AND tag.\`${IS_PROMPT}\` != 'true'`)).toEqual(["plain/1"]);
    expect(await versions(`name LIKE '${prefix}%'`)).toEqual(["plain/1"]);
    expect(await versions(`name LIKE '${prefix}%' AND tags.\`${IS_PROMPT}\` = 'true'`)).toEqual(["prompt/1"]);
  });

  it("other tags keep MLflow's != : a model without the tag does not match", async () => {
    expect(await models(`${inPrefix} AND tags.team != 'nlp'`)).toEqual([]);
  });
});
