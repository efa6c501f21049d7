/**
 * docs/gateway.md's "Try it", run as written: each curl's path and `-d` body in order, `$G`
 * expanded, `'$SECRET'` / `'$DEF'` filled with the ids the earlier answers gave (as `jq -r`
 * does), and the provider's `api_base` swapped for the tests' OpenAI-compatible stand-in. Names
 * are made unique per run by the same swap, so the example's own names stay readable.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";

const DOC = Object.values(
  import.meta.glob<string>("../../docs/gateway.md", { eager: true, query: "?raw", import: "default" }),
)[0] as string;

const ORIGIN = "http://127.0.0.1:5000";

/** The Try-it block's requests: path (with $G expanded) and body text, in order. */
function requests(): { path: string; body: string }[] {
  const block = /## Try it[\s\S]*?```bash\n([\s\S]*?)```/.exec(DOC)?.[1] ?? "";
  const G = /^G=(\S+)$/m.exec(block)?.[1] ?? "";
  const commands = block.split(/\n(?=\S)/).filter((command) => command.includes("curl "));
  return commands.map((command) => {
    const url = /-X POST (\S+)/.exec(command)?.[1] ?? "";
    const body = /-d '([\s\S]*)'/.exec(command)?.[1] ?? "";
    return { path: url.replace("$G", G).replace(ORIGIN, ""), body };
  });
}

describe("docs/gateway.md's example", () => {
  it("creates a secret, a model definition and an endpoint, then answers through it", async () => {
    const steps = requests();
    expect(steps).toHaveLength(4);
    const suffix = `-${Date.now().toString(36)}`;
    const ids: Record<string, string> = {};
    const answers: Record<string, unknown>[] = [];
    for (const step of steps) {
      const body = step.body
        .replace("http://127.0.0.1:11434/v1", `${inject("llmServer")}/v1`)
        .replace('"ollama-local-key"', '"sk-test-docs-example"')
        .replace(/"(ollama|llama|chat)"(?=,)/g, `"$1${suffix}"`)
        .replace(/'\$(SECRET|DEF)'/g, (_m, name: string) => ids[name] ?? "");
      const path = step.path.replace("/endpoints/chat/", `/endpoints/chat${suffix}/`);
      const response = await SELF.fetch(`${ORIGIN}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(JSON.parse(body)),
      });
      // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field.
      const answer = (await response.json()) as Record<string, any>;
      expect([path, response.status]).toEqual([path, 200]);
      answers.push(answer);
      if (answer.secret) ids.SECRET = answer.secret.secret_id;
      if (answer.model_definition) ids.DEF = answer.model_definition.model_definition_id;
    }
    expect(answers[0]?.secret).toMatchObject({ masked_values: { api_key: "sk-...mple" } });
    expect(answers[3]).toMatchObject({
      object: "chat.completion",
      model: "llama3.2",
      choices: [{ index: 0, message: { role: "assistant", content: "echo: Hello" } }],
    });
  });
});
