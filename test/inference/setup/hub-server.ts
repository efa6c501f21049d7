/**
 * A stand-in for the Hugging Face Hub on loopback, speaking the two calls huggingface_hub (and the
 * inference worker) make: `GET /api/models/<repo>/revision/<rev>` (the file list, `siblings`) and
 * `GET /<repo>/resolve/<rev>/<file>`, where large files answer 302 to a CDN path as the Hub does
 * for LFS objects. It serves the shared sst2 fixture's files; nothing leaves the machine.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";

import { HUB_REPOS, HUB_REVISION } from "./hub-repos";

interface Repo {
  files: Map<string, Buffer>;
  /** A resolve/ request for this file is redirected here instead (an absolute URL or a path). */
  redirects?: Record<string, string>;
}

function folderFiles(directory: string, keep: (file: string) => boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const file = relative(directory, path).split("\\").join("/");
        if (keep(file)) out.set(file, readFileSync(path));
      }
    }
  };
  walk(directory);
  return out;
}

export interface HubServer {
  url: string;
  /** Requests seen per path, for "fetched once" checks. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

export async function startHubServer(sst2Folder: string): Promise<HubServer> {
  const sst2 = folderFiles(sst2Folder, (file) => !file.startsWith("MLmodel") && file !== "expected.json");
  const repos = new Map<string, Repo>([
    [HUB_REPOS.sst2, { files: sst2 }],
    [HUB_REPOS.noOnnx, { files: new Map([...sst2].filter(([file]) => !file.startsWith("onnx/"))) }],
    [
      HUB_REPOS.redirectsInward,
      {
        files: sst2,
        // A public-looking Hub pointing a download at cloud metadata: the worker must not follow.
        redirects: { "onnx/model_quantized.onnx": "http://169.254.169.254/latest/meta-data/" },
      },
    ],
  ]);
  const requests = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://hub").pathname);
    if (path !== "/__requests") requests.set(path, (requests.get(path) ?? 0) + 1);
    const send = (status: number, body: Buffer | string, type = "application/json", headers = {}) => {
      response.writeHead(status, {
        "Content-Type": type,
        "Content-Length": Buffer.byteLength(body),
        ...headers,
      });
      response.end(body);
    };
    const notFound = () => send(404, JSON.stringify({ error: "Repository Not Found" }));
    if (path === "/__requests") return send(200, JSON.stringify(Object.fromEntries(requests)));
    const listing = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(path);
    if (listing) {
      const repo = repos.get(listing[1] as string);
      if (!repo || listing[2] !== HUB_REVISION) return notFound();
      return send(
        200,
        JSON.stringify({
          id: listing[1],
          sha: HUB_REVISION,
          siblings: [...repo.files.keys()].map((rfilename) => ({ rfilename })),
        }),
      );
    }
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/([^/]+)\/(.+)$/.exec(path);
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const match = cdn ?? resolve;
    if (!match) return notFound();
    const [, name, revision, file] = match as unknown as [string, string, string, string];
    const repo = repos.get(name);
    const body = repo?.files.get(file);
    if (!repo || revision !== HUB_REVISION || !body) return notFound();
    if (resolve && repo.redirects?.[file])
      return send(302, "", "text/plain", { Location: repo.redirects[file] });
    // Weights live in LFS: the Hub answers 302 to its CDN, which the worker re-checks and follows.
    if (resolve && file.endsWith(".onnx")) {
      return send(302, "", "text/plain", { Location: `/cdn/${name}/${revision}/${file}` });
    }
    return send(200, body, file.endsWith(".json") ? "application/json" : "application/octet-stream");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
