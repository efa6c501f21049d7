import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const BASE = "http://127.0.0.1:5000/api/2.0/mlflow-artifacts";

function put(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}/artifacts/${path}`, { method: "PUT", body, headers });
}

describe("proxied artifacts", () => {
  it("uploads, downloads, lists and deletes", async () => {
    const root = `t${Date.now()}`;
    const text = "hello artifacts\n".repeat(100);
    expect((await put(`${root}/dir/a.txt`, text, { "Content-Type": "text/plain" })).status).toBe(200);
    expect((await put(`${root}/dir/sub/b.bin`, new Uint8Array([1, 2, 3]))).status).toBe(200);
    const download = await SELF.fetch(`${BASE}/artifacts/${root}/dir/a.txt`);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("text/plain");
    expect(download.headers.get("Content-Length")).toBe(String(text.length));
    expect(download.headers.get("Content-Disposition")).toContain("attachment");
    expect(await download.text()).toBe(text);
    const list = await SELF.fetch(`${BASE}/artifacts?path=${root}/dir`);
    expect(await list.json()).toEqual({
      files: [
        { path: "a.txt", is_dir: false, file_size: text.length },
        { path: "sub", is_dir: true },
      ],
    });
    const ranged = await SELF.fetch(`${BASE}/artifacts/${root}/dir/a.txt`, {
      headers: { Range: "bytes=6-14" },
    });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe("artifacts");
    expect(ranged.headers.get("Content-Range")).toBe(`bytes 6-14/${text.length}`);
    expect((await SELF.fetch(`${BASE}/artifacts/${root}/dir`, { method: "DELETE" })).status).toBe(200);
    expect((await SELF.fetch(`${BASE}/artifacts/${root}/dir/a.txt`)).status).toBe(404);
    expect(await (await SELF.fetch(`${BASE}/artifacts?path=${root}`)).json()).toEqual({});
  });

  it("downloads with MLflow's Content-Type for each name, whatever was uploaded or asked for", async () => {
    const root = `mime${Date.now()}`;
    const expected: [string, string][] = [
      ["a.txt", "text/plain"],
      ["b.pkl", "application/octet-stream"],
      ["c.png", "image/png"],
      ["d.pdf", "application/pdf"],
      ["MLmodel", "text/plain"],
      ["mlproject", "text/plain"],
      // MLflow compares these names case-sensitively: "MLproject" is not one of them.
      ["MLproject", "application/octet-stream"],
      ["conda.yaml", "text/plain"],
      ["metrics.json", "text/plain"],
      ["data.csv", "text/plain"],
      ["train.py", "text/plain"],
      ["README.md", "text/plain"],
      ["page.html", "text/html"],
      ["image.svg", "image/svg+xml"],
      ["photo.JPG", "image/jpeg"],
      ["model.tar.gz", "application/x-tar"],
      ["weights.gz", "application/octet-stream"],
      ["model.onnx", "application/octet-stream"],
      [".hidden", "application/octet-stream"],
      ["noextension", "application/octet-stream"],
    ];
    for (const [name, type] of expected) {
      expect((await put(`${root}/${name}`, "x", { "Content-Type": "text/html" })).status, name).toBe(200);
      const download = await SELF.fetch(`${BASE}/artifacts/${root}/${name}`, {
        headers: { Accept: "text/html" },
      });
      expect(download.headers.get("Content-Type"), name).toBe(type);
      expect(download.headers.get("X-Content-Type-Options"), name).toBe("nosniff");
      await download.arrayBuffer();
    }
  });

  it("lists a directory whose only content is nested deeper, and many files across pages", async () => {
    const root = `deep${Date.now()}`;
    await put(`${root}/only/nested/file.txt`, "x");
    await put(`${root}/top.txt`, "y");
    const listed = await (await SELF.fetch(`${BASE}/artifacts?path=${root}`)).json();
    expect(listed).toEqual({
      files: [
        { path: "only", is_dir: true },
        { path: "top.txt", is_dir: false, file_size: 1 },
      ],
    });
  });
});
