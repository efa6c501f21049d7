/**
 * The web UI with auth on (EDGEFLOW_AUTH=on): the sign-in page instead of the browser's Basic
 * prompt, sign-in by password and by API token, a plain permission error for what the user may
 * not read, and artifact downloads that carry the credentials.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, openWorld, type World } from "./harness";

const ADMIN = { username: "ui-admin", password: "admin password for the ui test" };
const BOB = { username: "bob", password: "bob's password for the ui test" };
const basic = (who: { username: string; password: string }) => ({
  Authorization: `Basic ${btoa(`${who.username}:${who.password}`)}`,
});

let world: World;
let admin: Api;
let shared = "";
let secret = "";
let runId = "";

beforeAll(async () => {
  world = await openWorld({
    EDGEFLOW_AUTH: "on",
    EDGEFLOW_ADMIN_USERNAME: ADMIN.username,
    EDGEFLOW_ADMIN_PASSWORD: ADMIN.password,
  });
  admin = new Api(world.url, basic(ADMIN));
  await admin.post("users/create", BOB);
  shared = (await admin.post<{ experiment_id: string }>("experiments/create", { name: "shared-with-bob" }))
    .experiment_id;
  secret = (await admin.post<{ experiment_id: string }>("experiments/create", { name: "admins-only" }))
    .experiment_id;
  await admin.post("experiments/permissions/create", {
    experiment_id: shared,
    username: BOB.username,
    permission: "READ",
  });
  runId = await admin.run(shared, "shared-run", { lr: "0.1" });
  await admin.upload(`${shared}/${runId}/artifacts/notes.txt`, "only for signed-in eyes\n", "text/plain");
});
afterAll(async () => {
  await world?.close();
});

describe("web UI with auth on", () => {
  it("sends a signed-out visitor to its sign-in page, never the browser's Basic prompt", async () => {
    const { page, url } = world;
    const challenges: (string | null)[] = [];
    page.on("response", (response) => {
      if (response.status() === 401) challenges.push(response.headers()["www-authenticate"] ?? null);
    });
    await page.goto(`${url}/`);
    await page.getByRole("alert").getByText("UNAUTHENTICATED").waitFor();
    expect(challenges.length).toBeGreaterThan(0);
    expect(challenges.every((header) => header === null)).toBe(true);
    // The MLflow client and curl still get MLflow's challenge.
    const plain = await fetch(`${url}/api/2.0/mlflow/experiments/search?max_results=1`);
    expect(plain.status).toBe(401);
    expect(plain.headers.get("WWW-Authenticate")).toMatch(/^Basic/);
    await page.getByRole("alert").getByRole("link", { name: "sign in" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await world.shot("auth-01-sign-in");
  });

  it("signs in with a password: the experiments list shows what the user may read", async () => {
    const { page } = world;
    await page.getByPlaceholder("Username").fill(BOB.username);
    await page.getByPlaceholder("Password").fill(BOB.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Experiments" }).waitFor();
    await page.getByRole("link", { name: "shared-with-bob" }).waitFor();
    expect(await page.getByRole("link", { name: "admins-only" }).count()).toBe(0);
    await world.shot("auth-02-experiments");
  });

  it("shows a plain permission error for an experiment the user may not read", async () => {
    const { page, url } = world;
    await page.goto(`${url}/experiments/${secret}`);
    const alert = page.getByRole("alert").first();
    await alert.getByText("PERMISSION_DENIED").waitFor();
    await alert.getByText("You don't have permission for this.").waitFor();
    await world.shot("auth-03-permission-denied");
  });

  it("downloads an artifact with the signed-in credentials", async () => {
    const { page, url } = world;
    await page.goto(`${url}/runs/${runId}?tab=artifacts`);
    await page.getByTestId("artifact-tree").getByText("notes.txt").click();
    await page.getByTestId("artifact-preview").getByText("only for signed-in eyes").waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("artifact-preview").getByRole("button", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("notes.txt");
    expect(await readFile((await download.path()) as string, "utf8")).toBe("only for signed-in eyes\n");
  });

  it("signs in with an API token", async () => {
    const { page, url } = world;
    const bob = new Api(url, basic(BOB));
    const { token } = await bob.call<{ token: string }>("POST", "/api/2.0/edgeflow/tokens/create", {
      name: "ui",
    });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByPlaceholder("Token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "shared-with-bob" }).waitFor();
    await world.shot("auth-04-token");
  });
});
