import { describe, expect, it } from "vitest";
import { post } from "../helpers/api";
import { edgeflow } from "./helpers";

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

describe("the edgeflow CLI against the tracking worker", () => {
  it("prints help, and each command's usage", async () => {
    const help = await edgeflow(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("models register");
    const usage = await edgeflow(["runs", "list", "--help"]);
    expect(usage.stdout).toContain("usage: edgeflow runs list --experiment NAME");
    const unknown = await edgeflow(["fly"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'fly'");
  });

  it("creates and lists experiments and runs, as tables or one JSON document", async () => {
    const name = unique("cli-exp");
    const created = await edgeflow(["--json", "experiments", "create", name]);
    expect(created.status).toBe(0);
    const { experiment_id } = JSON.parse(created.stdout) as { experiment_id: string };
    const listed = await edgeflow(["experiments", "list"]);
    expect(listed.stdout).toMatch(new RegExp(`^${experiment_id}\\s+${name}\\s+active`, "m"));
    const run = await post<{ run: { info: { run_id: string } } }>("runs/create", {
      experiment_id,
      run_name: "cli-run",
    });
    await post("runs/log-metric", {
      run_id: run.body.run.info.run_id,
      key: "acc",
      value: 0.95,
      timestamp: 1,
      step: 0,
    });
    const runs = await edgeflow([
      "runs",
      "list",
      "--experiment",
      name,
      "--filter",
      "metrics.acc > 0.9",
      "--json",
    ]);
    expect(runs.status).toBe(0);
    const parsed = JSON.parse(runs.stdout) as { info: { run_id: string } }[];
    expect(parsed.map((r) => r.info.run_id)).toEqual([run.body.run.info.run_id]);
    const none = await edgeflow(["runs", "list", "--experiment", name, "--filter", "metrics.acc < 0.5"]);
    expect(none.stdout.split("\n")[0]).toMatch(/^RUN ID\s+NAME\s+STATUS\s+STARTED$/);
  });

  it("registers a run's model with an alias, moves the alias and prints URLs", async () => {
    const run = await post<{ run: { info: { run_id: string } } }>("runs/create", { experiment_id: "0" });
    const name = unique("cli-model");
    const source = `runs:/${run.body.run.info.run_id}/model`;
    const registered = await edgeflow([
      "--json",
      "models",
      "register",
      source,
      "--name",
      name,
      "--alias",
      "champion",
    ]);
    expect(registered.status).toBe(0);
    expect(JSON.parse(registered.stdout)).toEqual({
      name,
      version: "1",
      alias: "champion",
      url: `http://127.0.0.1:5001/models/${name}@champion/invocations`,
    });
    await edgeflow(["models", "register", source, "--name", name]); // version 2 of the same model
    const moved = await edgeflow([
      "models",
      "alias",
      name,
      "champion",
      "2",
      "--inference-uri",
      "https://infer.example",
    ]);
    expect(moved.stdout).toContain(`https://infer.example/models/${name}@champion/invocations`);
    const url = await edgeflow(["models", "url", `models:/${name}@champion`, "--json"]);
    expect(JSON.parse(url.stdout)).toMatchObject({ name, version: "2" });
    const listed = await edgeflow(["models", "list", "--filter", `name = '${name}'`]);
    expect(listed.stdout).toMatch(new RegExp(`^${name}\\s+2\\s+champion→2$`, "m"));
  });

  it("fails with one line that says what went wrong, and a non-zero status", async () => {
    const missing = await edgeflow(["models", "url", "no-such-model/1"]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^edgeflow models url: RESOURCE_DOES_NOT_EXIST: .+\n$/);
    const usage = await edgeflow(["models", "register", "runs:/x/model"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("--name is required.");
    const badRef = await edgeflow(["predict", "just-a-name", "--input", "[1]"]);
    expect(badRef.status).toBe(2);
    expect(badRef.stderr).toContain("use name@alias, name/version or models:/name@alias");
    const badJson = await edgeflow(["predict", "m@a", "--input", "@in.json"], { "in.json": "{nope" });
    expect(badJson.stderr).toContain("--input is not JSON (in in.json)");
  });

  it("doctor reports each check and fails on the one that is down", async () => {
    const result = await edgeflow(["--json", "doctor", "--inference-uri", "http://127.0.0.1:1"]);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { check: string; ok: boolean }[] };
    expect(report.checks.map((c) => [c.check, c.ok])).toEqual([
      ["tracking server", true],
      ["credentials", true],
      ["artifact store", true],
      // The test's network is the tracking worker alone, which serves no /ping.
      ["inference worker", false],
    ]);
    expect(result.status).toBe(1);
  });
});
