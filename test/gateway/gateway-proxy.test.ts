import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type Body, definition, endpoint, ORIGIN, post, primary, secret } from "./helpers";

/**
 * MLflow 2.x's web-UI gateway proxy (/ajax-api/2.0/mlflow/gateway-proxy): the prompt lab lists
 * endpoints and calls one through the tracking server, served here by this worker's own gateway.
 */
const PROXY = "/ajax-api/2.0/mlflow/gateway-proxy";
const DOC = Object.values(
  import.meta.glob<string>("../../docs/gateway.md", { eager: true, query: "?raw", import: "default" }),
)[0] as string;

let chat: string;
beforeAll(async () => {
  chat = await endpoint([primary(await definition(await secret("sk-test-proxy-0001"), "stand-in"))]);
});

describe("the gateway proxy", () => {
  it("answers MLflow's 400 when gateway_path is missing, on POST and on GET", async () => {
    const posted = await post(PROXY, {});
    expect(posted.status).toBe(400);
    expect(posted.body).toEqual({
      error_code: "INVALID_PARAMETER_VALUE",
      message: "Deployments proxy request must specify a gateway_path.",
    });
    const got = await SELF.fetch(`${ORIGIN}${PROXY}`);
    expect(got.status).toBe(400);
  });

  it("lists endpoints as the UI asks for them (GET, gateway_path api/2.0/endpoints/)", async () => {
    const listed = await SELF.fetch(
      `${ORIGIN}${PROXY}?gateway_path=${encodeURIComponent("api/2.0/endpoints/")}`,
    );
    expect(listed.status).toBe(200);
    const { endpoints } = (await listed.json()) as Body;
    expect(endpoints.map((e: Body) => e.name)).toContain(chat);
  });

  it("calls an endpoint at its endpoint_url with json_data as the payload", async () => {
    const answer = await post(PROXY, {
      gateway_path: `gateway/${chat}/invocations`,
      json_data: { messages: [{ role: "user", content: "through the proxy" }] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.role).toBe("assistant");
  });

  it("runs docs/gateway.md's proxy example as written (the endpoint's name swapped in)", async () => {
    const block = /### MLflow 2\.x web UI proxy[\s\S]*?```bash\n([\s\S]*?)```/.exec(DOC)?.[1] ?? "";
    const url = /-X POST (\S+)/.exec(block)?.[1] ?? "";
    const body = /-d '([\s\S]*)'/.exec(block)?.[1] ?? "";
    expect(url).toBe(`${ORIGIN}${PROXY}`);
    const answer = await post(PROXY, body.replace("gateway/chat/", `gateway/${chat}/`));
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("echo: Hello");
  });

  it("passes a refusal on in MLflow's words, with the gateway's status", async () => {
    const missing = await post(PROXY, {
      gateway_path: "gateway/no-such-endpoint/invocations",
      json_data: { messages: [{ role: "user", content: "hi" }] },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(missing.body.message).toMatch(
      /^Deployments proxy request failed with error code 404\. Error message: /,
    );
  });

  it("reaches only the gateway's own paths: no traversal, no encodings, no other API", async () => {
    for (const gatewayPath of [
      "api/2.0/mlflow/experiments/search",
      "gateway/../api/2.0/mlflow/users/get",
      "gateway/x%2f..%2f/invocations",
      "/gateway/x/invocations",
      "gateway/x/invocations?y=1",
      "health",
      42,
    ]) {
      const refused = await post(PROXY, { gateway_path: gatewayPath, json_data: {} });
      expect(refused.status, String(gatewayPath)).toBe(400);
      expect(refused.body.error_code).toBe("INVALID_PARAMETER_VALUE");
    }
    const plain = await post(PROXY, "gateway_path=x", { "Content-Type": "text/plain" });
    expect(plain.status).toBe(400);
  });
});
