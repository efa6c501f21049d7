/**
 * A minimal client for workerd's V8 inspector (Miniflare's `inspectorPort`): the Chrome DevTools
 * protocol over a WebSocket, one request at a time. The benchmark reads the isolate's own memory
 * with it (Runtime.getHeapUsage) and `BENCH_PROFILE=1` takes a CPU profile of the warm requests
 * (Profiler domain). Miniflare's fetch does the WebSocket upgrade, so no extra package is needed.
 */
import { fetch, type WebSocket } from "miniflare";

/** Runtime.getHeapUsage: V8's heap of the isolate, and (recent V8) the ArrayBuffers' backing stores. */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  /** Bytes held outside the JS heap by ArrayBuffers and WebAssembly memories (V8 ≥ 12.x). */
  backingStorageSize?: number;
  /** Embedder-reported bytes outside the heap (workerd's own allocations for the isolate). */
  embedderHeapUsedSize?: number;
}

/** Miniflare's worker (unnamed) as workerd's inspector names it. */
export const WORKER_TARGET = "core:user:";

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class Inspector {
  private nextId = 1;
  private runtimeEnabled?: Promise<unknown>;
  /** The worker's execution context, reported after Runtime.enable (workerd has no default one). */
  private contextId?: number;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        method?: string;
        params?: { context?: { id: number } };
        result?: unknown;
        error?: { message: string };
      };
      if (message.method === "Runtime.executionContextCreated" && message.params?.context) {
        this.contextId ??= message.params.context.id;
      }
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
    socket.addEventListener("close", () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error("inspector closed"));
      this.pending.clear();
    });
  }

  /** The isolates workerd lets one inspect: "core:user:<worker>" (Miniflare's only worker is
   * unnamed), Miniflare's entry worker "core:entry", local D1's "d1:db", and so on. */
  static async targets(port: number): Promise<string[]> {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { id: string }[];
    return list.map((target) => target.id);
  }

  /** Connects to one isolate on workerd's inspector port (loopback only). */
  static async connect(port: number, target = WORKER_TARGET): Promise<Inspector> {
    const targets = await Inspector.targets(port);
    if (!targets.includes(target)) {
      throw new Error(`no inspector target '${target}' on port ${port}; targets: ${targets.join(", ")}`);
    }
    const response = await fetch(`http://127.0.0.1:${port}/${target}`, { headers: { Upgrade: "websocket" } });
    const socket = response.webSocket;
    if (!socket) throw new Error(`the inspector of '${target}' refused a WebSocket: ${response.status}`);
    socket.accept();
    return new Inspector(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  heapUsage(): Promise<HeapUsage> {
    return this.send<HeapUsage>("Runtime.getHeapUsage");
  }

  /**
   * Bytes of every WebAssembly.Memory in the isolate (onnxruntime's linear memory), which
   * getHeapUsage does not count: Runtime.queryObjects finds the live instances by prototype.
   */
  async wasmMemoryBytes(): Promise<number> {
    type Remote = { result: { objectId?: string; value?: unknown } };
    // Runtime.evaluate needs an execution context, which the inspector reports once enabled.
    this.runtimeEnabled ??= this.send("Runtime.enable");
    await this.runtimeEnabled;
    const proto = await this.send<Remote>("Runtime.evaluate", {
      expression: "WebAssembly.Memory.prototype",
      contextId: this.contextId,
    });
    const found = await this.send<{ objects: { objectId: string } }>("Runtime.queryObjects", {
      prototypeObjectId: proto.result.objectId,
    });
    const sum = await this.send<Remote>("Runtime.callFunctionOn", {
      objectId: found.objects.objectId,
      functionDeclaration: "function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }",
      returnByValue: true,
    });
    await this.send("Runtime.releaseObjectGroup", { objectGroup: "" }).catch(() => {});
    return Number(sum.result.value ?? 0);
  }

  close(): void {
    this.socket.close();
  }
}
