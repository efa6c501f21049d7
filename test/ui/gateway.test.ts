/**
 * The AI gateway's pages in Chromium against the local stack, the provider being the loopback
 * OpenAI stand-in (test/setup/llm-server.ts) that the tracking worker may reach because
 * EDGEFLOW_OUTBOUND_ALLOW names it: create a secret and an endpoint through the form, see the
 * secret masked, chat in the playground with the answer streamed, a refused duplicate shown inline,
 * a fallback added; the limit, the primaries' weights and the fallback order edited and checked
 * through the API, a refused limit or weight shown with the API's message and nothing changed; a
 * Workers AI secret with an account_id; a stream that breaks off and a Stop, then the endpoint deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlmServer } from "../setup/llm-server";
import { openWorld, type World } from "./harness";

const KEY = "sk-test-ui-0123456789";
const G = "/api/3.0/mlflow/gateway";

let world: World;
let llm: Awaited<ReturnType<typeof startLlmServer>>;

beforeAll(async () => {
  llm = await startLlmServer();
  world = await openWorld({ EDGEFLOW_OUTBOUND_ALLOW: new URL(llm.url).host });
});
afterAll(async () => {
  await world?.close();
  await llm?.close();
});

/** The few browser globals the page-side observer uses (the tests type-check without DOM's lib). */
interface InPage {
  seen: string[];
  document: { body: unknown; querySelector(selector: string): { textContent: string | null } | null };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
}

interface Recorded {
  body: { model?: string; messages?: { role: string; content: string }[] };
}
const requests = async () => (await (await fetch(`${llm.url}/requests`)).json()) as Recorded[];

/** An endpoint made through the API, on the stand-in secret the form created. */
async function endpointVia(name: string, modelName: string): Promise<void> {
  const { secrets } = await world.api.call<{ secrets: { secret_id: string }[] }>("GET", `${G}/secrets/list`);
  const { model_definition } = await world.api.call<{ model_definition: { model_definition_id: string } }>(
    "POST",
    `${G}/model-definitions/create`,
    { name: `${name}-def`, secret_id: secrets[0]?.secret_id, provider: "openai", model_name: modelName },
  );
  await world.api.call("POST", `${G}/endpoints/create`, {
    name,
    model_configs: [{ model_definition_id: model_definition.model_definition_id, linkage_type: "PRIMARY" }],
  });
}

interface EndpointGot {
  endpoint_id: string;
  tags?: { key: string; value: string }[];
  routing_strategy?: string;
  fallback_config?: { strategy?: string; max_attempts?: number };
  model_mappings: {
    model_definition_id: string;
    linkage_type: string;
    weight: number;
    fallback_order?: number;
    model_definition: { model_name: string };
  }[];
}

/** The endpoint as the store API answers it (GET endpoints/get). */
async function getVia(name: string): Promise<EndpointGot> {
  const { endpoint } = await world.api.call<{ endpoint: EndpointGot }>(
    "GET",
    `${G}/endpoints/get?name=${encodeURIComponent(name)}`,
  );
  return endpoint;
}

describe("AI gateway UI", () => {
  it("creates a secret and an endpoint through the form; the list shows the secret masked", async () => {
    const { page } = world;
    await page.goto(`${world.url}/`);
    await page.getByRole("navigation").getByRole("link", { name: "AI Gateway" }).click();
    await page.waitForURL(/\/ai-gateway$/);
    await page.getByRole("heading", { name: "AI Gateway" }).waitFor();
    await page.getByText("No endpoints yet.").waitFor();

    await page.getByRole("button", { name: "New endpoint" }).click();
    const form = page.getByTestId("endpoint-form");
    await form.getByLabel("Endpoint name").fill("chat");
    const row = form.getByTestId("model-row-0");
    await row.getByLabel("Provider").selectOption("openai");
    await row.getByLabel("Model name").fill("gpt-stand-in");
    // No secret exists yet, so the row starts on a new one.
    expect(await row.getByLabel("Secret", { exact: true }).inputValue()).toBe("new");
    await row.getByLabel("Secret name").fill("stand-in-key");
    const value = row.getByLabel("Secret value");
    expect(await value.getAttribute("type")).toBe("password");
    await value.fill(KEY);
    await row.getByLabel("API base").fill(`${llm.url}/v1`);
    await world.shot("gateway-01-form");
    await form.getByRole("button", { name: "Create endpoint" }).click();

    const listed = page.getByTestId("endpoints").getByRole("row").filter({ hasText: "chat" });
    await listed.getByText("openai/gpt-stand-in").waitFor();
    await listed.getByText("stand-in-key (api_key: sk-...6789)").waitFor();
    await page.getByTestId("secrets").getByText("api_key: sk-...6789").waitFor();
    await page.getByTestId("secrets").getByText(`api_base: ${llm.url}/v1`).waitFor();
    expect(await page.content()).not.toContain(KEY);
    await world.shot("gateway-02-list");
  });

  it("shows the API's error inline for a duplicate name, leaving nothing half-made", async () => {
    const { page } = world;
    await page.getByRole("button", { name: "New endpoint" }).click();
    const form = page.getByTestId("endpoint-form");
    await form.getByLabel("Endpoint name").fill("chat");
    const row = form.getByTestId("model-row-0");
    await row.getByLabel("Model name").fill("gpt-other");
    // The existing secret is offered first, by its masked value.
    await row.getByLabel("Secret", { exact: true }).getByText("stand-in-key (api_key: sk-...6789)").waitFor({
      state: "attached",
    });
    await form.getByRole("button", { name: "Create endpoint" }).click();
    const error = form.getByRole("alert");
    await error.getByText("RESOURCE_ALREADY_EXISTS").waitFor();
    expect(await error.textContent()).toContain("Endpoint with name 'chat' already exists");
    await world.shot("gateway-03-duplicate");
    // The model definition made for the refused endpoint was deleted again.
    const { model_definitions } = await world.api.call<{ model_definitions: { model_name: string }[] }>(
      "GET",
      `${G}/model-definitions/list`,
    );
    expect(model_definitions.map((d) => d.model_name)).toEqual(["gpt-stand-in"]);
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  it("streams the answer into the playground, and sends the conversation so far", async () => {
    const { page } = world;
    await page.getByTestId("endpoints").getByRole("link", { name: "chat" }).click();
    await page.waitForURL(/\/ai-gateway\/chat$/);
    const playground = page.getByTestId("playground");
    // Every text the answer shows on its way, to see it grow token by token.
    await page.evaluate(() => {
      const w = globalThis as unknown as InPage;
      const seen: string[] = [];
      w.seen = seen;
      new w.MutationObserver(() => {
        const text = w.document.querySelector('[data-testid="chat-assistant"] pre')?.textContent ?? "";
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(w.document.body, { subtree: true, childList: true, characterData: true });
    });
    await playground.getByLabel("Message").fill("one two three four five six");
    await playground.getByRole("button", { name: "Send" }).click();
    const answer = playground.getByTestId("chat-assistant");
    await answer.getByText("echo: one two three four five six", { exact: true }).waitFor();
    const seen = await page.evaluate(() => (globalThis as unknown as InPage).seen);
    expect(seen.at(-1)).toBe("echo: one two three four five six");
    expect(seen.filter((t) => t !== "…" && t !== seen.at(-1)).length).toBeGreaterThan(0);
    await world.shot("gateway-04-playground");

    await playground.getByLabel("Message").fill("again");
    await playground.getByLabel("Message").press("Enter");
    await playground.getByTestId("chat-assistant").nth(1).getByText("echo: again", { exact: true }).waitFor();
    const last = (await requests()).at(-1);
    expect(last?.body.model).toBe("gpt-stand-in");
    expect(last?.body.messages).toEqual([
      { role: "user", content: "one two three four five six" },
      { role: "assistant", content: "echo: one two three four five six" },
      { role: "user", content: "again" },
    ]);
  });

  it("adds a fallback from the edit tab", async () => {
    const { page } = world;
    await page.getByRole("tab", { name: "Edit" }).click();
    const form = page.getByTestId("endpoint-form");
    await form.getByRole("button", { name: "Add fallback" }).click();
    const row = form.getByTestId("model-row-1");
    expect(await row.getByLabel("Role").inputValue()).toBe("FALLBACK");
    await row.getByLabel("Model name").fill("gpt-backup");
    await form.getByRole("button", { name: "Save endpoint" }).click();
    await page
      .getByRole("row", { name: /Fallback 1/ })
      .getByText("openai/gpt-backup")
      .waitFor();
    await page.getByRole("link", { name: "AI Gateway" }).first().click();
    const listed = page.getByTestId("endpoints").getByRole("row").filter({ hasText: "chat" });
    await listed.getByText("openai/gpt-backup").waitFor();
    await world.shot("gateway-05-fallback");
  });

  it("edits the limit, the primaries' weights and the fallback order; the API has the change", async () => {
    const { page } = world;
    await page.goto(`${world.url}/ai-gateway/chat?tab=edit`);
    const form = page.getByTestId("endpoint-form");
    // A second primary, moved up beside the first; a second fallback, moved ahead of the first.
    await form.getByRole("button", { name: "Add primary" }).click();
    await form.getByTestId("model-row-2").getByLabel("Model name").fill("gpt-second");
    await form.getByTestId("model-row-2").getByRole("button", { name: "Up" }).click();
    expect(await form.getByTestId("model-row-1").getByLabel("Model name").inputValue()).toBe("gpt-second");
    await form.getByRole("button", { name: "Add fallback" }).click();
    await form.getByTestId("model-row-3").getByLabel("Model name").fill("gpt-last-resort");
    await form.getByTestId("model-row-3").getByRole("button", { name: "Up" }).click();
    await form.getByTestId("model-row-0").getByLabel("Weight").fill("3");
    await form.getByTestId("model-row-1").getByLabel("Weight").fill("1");
    expect(await form.getByTestId("model-row-0").getByTestId("share").textContent()).toBe("75%");
    await form.getByTestId("limit").getByLabel("Limit period").selectOption("minute");
    await form.getByTestId("limit").getByLabel("Limit calls").fill("100");
    await world.shot("gateway-06-edit-form");
    await form.getByRole("button", { name: "Save endpoint" }).click();
    await page
      .getByRole("row", { name: /Primary 1/ })
      .getByText(/weight 3 · 75%/)
      .waitFor();
    await page.getByRole("row", { name: /Limit/ }).getByText("100 / minute").waitFor();

    const endpoint = await getVia("chat");
    expect(endpoint.tags).toContainEqual({ key: "limit", value: '{"calls":100,"renewal_period":"minute"}' });
    expect(endpoint.routing_strategy).toBe("REQUEST_BASED_TRAFFIC_SPLIT");
    expect(endpoint.fallback_config).toEqual({ strategy: "SEQUENTIAL", max_attempts: 2 });
    const primaries = endpoint.model_mappings.filter((m) => m.linkage_type === "PRIMARY");
    expect(primaries.map((m) => [m.model_definition.model_name, m.weight]).sort()).toEqual([
      ["gpt-second", 1],
      ["gpt-stand-in", 3],
    ]);
    const fallbacks = endpoint.model_mappings
      .filter((m) => m.linkage_type === "FALLBACK")
      .sort((a, b) => Number(a.fallback_order) - Number(b.fallback_order));
    expect(fallbacks.map((m) => m.model_definition.model_name)).toEqual(["gpt-last-resort", "gpt-backup"]);
    await world.shot("gateway-07-edited");
  });

  it("shows the API's message for a bad limit or weight, keeps the input, and changes nothing", async () => {
    const { page } = world;
    const form = page.getByTestId("endpoint-form");
    const calls = form.getByTestId("limit").getByLabel("Limit calls");
    expect(await calls.inputValue()).toBe("100");
    await calls.fill("0");
    await form.getByRole("button", { name: "Save endpoint" }).click();
    const error = form.getByRole("alert");
    await error.getByText("INVALID_PARAMETER_VALUE").waitFor();
    expect(await error.textContent()).toContain('Invalid limit "{\\"calls\\":0');
    expect(await error.textContent()).toContain("positive integer");
    expect(await calls.inputValue()).toBe("0");
    await world.shot("gateway-08-bad-limit");

    // A new limit with a weight the API will not take: the limit is put back as it was.
    await calls.fill("50");
    await form.getByTestId("model-row-1").getByLabel("Weight").fill("lots");
    await form.getByRole("button", { name: "Save endpoint" }).click();
    await error.getByText(/Invalid value lots for parameter 'weight'/).waitFor();
    expect(await form.getByTestId("model-row-1").getByLabel("Weight").inputValue()).toBe("lots");
    expect(await calls.inputValue()).toBe("50");
    const unchanged = await getVia("chat");
    expect(unchanged.tags).toContainEqual({ key: "limit", value: '{"calls":100,"renewal_period":"minute"}' });
    expect(unchanged.model_mappings.map((m) => m.weight).sort()).toEqual([1, 1, 1, 3]);
    await world.shot("gateway-09-bad-weight");

    // Fixed, and the limit removed.
    await form.getByTestId("model-row-1").getByLabel("Weight").fill("2");
    await form.getByTestId("limit").getByLabel("Limit period").selectOption("none");
    await form.getByRole("button", { name: "Save endpoint" }).click();
    await page.getByRole("row", { name: /Limit/ }).getByText("none").waitFor();
    const fixed = await getVia("chat");
    expect(fixed.tags ?? []).toEqual([]);
    expect(fixed.model_mappings.find((m) => m.model_definition.model_name === "gpt-second")?.weight).toBe(2);
  });

  it("creates a Workers AI secret with an account_id and an endpoint with a limit", async () => {
    const { page } = world;
    await page.goto(`${world.url}/ai-gateway?new=1`);
    const form = page.getByTestId("endpoint-form");
    await form.getByLabel("Endpoint name").fill("workers-ai");
    const row = form.getByTestId("model-row-0");
    await row.getByLabel("Provider").selectOption("cloudflare");
    await row.getByLabel("Model name").fill("@cf/meta/llama-3.1-8b-instruct");
    await row.getByLabel("Secret", { exact: true }).selectOption("new");
    expect(await row.getByLabel("API base").count()).toBe(0);
    await row.getByLabel("Secret name").fill("workers-ai-token");
    await row.getByLabel("Secret value").fill("cf-token-0123456789");
    await row.getByLabel("Account ID").fill("0123456789abcdef");
    await form.getByTestId("limit").getByLabel("Limit period").selectOption("second");
    await form.getByTestId("limit").getByLabel("Limit calls").fill("0");
    await form.getByRole("button", { name: "Create endpoint" }).click();
    await form
      .getByRole("alert")
      .getByText(/Invalid limit/)
      .waitFor();
    // Refused: the secret, definition and endpoint made on the way are gone again; the form is as typed.
    const { secrets } = await world.api.call<{ secrets: { secret_name: string }[] }>(
      "GET",
      `${G}/secrets/list`,
    );
    expect(secrets.map((x) => x.secret_name)).toEqual(["stand-in-key"]);
    const missing = await fetch(`${world.url}${G}/endpoints/get?name=workers-ai`);
    expect(missing.status).toBe(404);
    expect(await row.getByLabel("Account ID").inputValue()).toBe("0123456789abcdef");

    await form.getByTestId("limit").getByLabel("Limit calls").fill("10");
    await form.getByRole("button", { name: "Create endpoint" }).click();
    const listed = page.getByTestId("endpoints").getByRole("row").filter({ hasText: "workers-ai" });
    await listed.getByText("10 / second").waitFor();
    await page.getByTestId("secrets").getByText("account_id: 0123456789abcdef").waitFor();
    await world.shot("gateway-10-workers-ai");
    const created = await getVia("workers-ai");
    expect(created.tags).toContainEqual({ key: "limit", value: '{"calls":10,"renewal_period":"second"}' });
    const { secrets: after } = await world.api.call<{
      secrets: { secret_name: string; provider: string; auth_config?: Record<string, string> }[];
    }>("GET", `${G}/secrets/list`);
    expect(after.find((x) => x.secret_name === "workers-ai-token")).toMatchObject({
      provider: "cloudflare",
      auth_config: { account_id: "0123456789abcdef" },
    });
    // Gone again, so the delete test below sees only its own endpoints' definitions.
    await world.api.call("DELETE", `${G}/endpoints/delete`, { endpoint_id: created.endpoint_id });
    for (const m of created.model_mappings) {
      await world.api.call("DELETE", `${G}/model-definitions/delete`, {
        model_definition_id: m.model_definition_id,
      });
    }
  });

  it("shows a stream that breaks off as an error, and stops a call on Stop", async () => {
    const { page } = world;
    await endpointVia("broken", "broken-stream");
    await page.goto(`${world.url}/ai-gateway/broken`);
    const playground = page.getByTestId("playground");
    await playground.getByLabel("Message").fill("hello there");
    await playground.getByRole("button", { name: "Send" }).click();
    const error = playground.getByRole("alert");
    await error.getByText("TEMPORARILY_UNAVAILABLE").waitFor();
    expect(await error.textContent()).toContain("broke off");
    await world.shot("gateway-11-stream-error");

    await endpointVia("slow", "slow"); // the stand-in waits 5 s before answering
    await page.goto(`${world.url}/ai-gateway/slow`);
    await playground.getByLabel("Message").fill("anyone?");
    await playground.getByRole("button", { name: "Send" }).click();
    await playground.getByRole("button", { name: "Stop" }).click();
    await playground.getByText("(stopped)").waitFor();
    expect(await playground.getByRole("button", { name: "Stop" }).isDisabled()).toBe(true);
    expect(await playground.getByRole("alert").count()).toBe(0);
  });

  it("deletes an endpoint from its edit tab", async () => {
    const { page } = world;
    await page.goto(`${world.url}/ai-gateway/chat?tab=edit`);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete endpoint" }).click();
    await page.waitForURL(/\/ai-gateway$/);
    await page.getByTestId("endpoints").getByRole("link", { name: "broken" }).waitFor();
    expect(await page.getByTestId("endpoints").getByRole("link", { name: "chat", exact: true }).count()).toBe(
      0,
    );
    // Its model definitions went with it; the API-made ones of the other endpoints stay.
    const { model_definitions } = await world.api.call<{ model_definitions: { model_name: string }[] }>(
      "GET",
      `${G}/model-definitions/list`,
    );
    expect(model_definitions.map((d) => d.model_name).sort()).toEqual(["broken-stream", "slow"]);
  });
});
