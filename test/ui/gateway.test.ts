/**
 * The AI gateway's pages in Chromium against the local stack, the provider being the loopback
 * OpenAI stand-in (test/setup/llm-server.ts) that the tracking worker may reach because
 * EDGEFLOW_OUTBOUND_ALLOW names it: create a secret and an endpoint through the form, see the
 * secret masked, chat in the playground with the answer streamed, a refused duplicate shown inline,
 * a fallback added, a stream that breaks off and a Stop, then the endpoint deleted.
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
    await world.shot("gateway-06-stream-error");

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
