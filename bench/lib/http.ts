/**
 * A small keep-alive HTTP/1.1 client (node:http): cheaper per request than fetch, which matters
 * when the load generator shares the machine's cores with workerd.
 */
import http from "node:http";

export interface HttpResponse {
  status: number;
  body: Buffer;
}

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`);
  }
}

export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly baseUrl: string) {
    const host = new URL(baseUrl).hostname;
    if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") {
      throw new Error(`the benchmark only targets loopback addresses, not ${host}`);
    }
  }

  /** Sends a request and resolves once the whole response body has arrived. */
  request(method: string, path: string, body?: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders =
        body === undefined
          ? {}
          : { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
      const req = http.request(new URL(path, this.baseUrl), { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /** A request whose non-2xx answer is an error. */
  async ok(method: string, path: string, body?: string): Promise<HttpResponse> {
    const response = await this.request(method, path, body);
    if (response.status < 200 || response.status >= 300) {
      throw new HttpError(method, path, response.status, response.body.toString("utf8"));
    }
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const response = await this.ok(method, path, text);
    return JSON.parse(response.body.toString("utf8")) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
