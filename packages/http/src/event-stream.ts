import { MlflowError } from "@edgeflow/schema";

/**
 * A server-sent events response fed by `produce`, which writes `data:` events until it returns;
 * each event goes out as it is written, nothing is buffered. A failure becomes a last `error` event.
 */
export function eventStream(produce: (send: (data: unknown) => void) => Promise<void>): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const send = (data: unknown) => {
    void writer.write(encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`));
  };
  void produce(send)
    .catch((error: unknown) => {
      const body =
        error instanceof MlflowError
          ? error.toJSON()
          : { error_code: "INTERNAL_ERROR", message: "Internal error." };
      if (!(error instanceof MlflowError)) console.error("stream failed", error);
      send({ error: body });
    })
    .finally(() => {
      send("[DONE]");
      void writer.close();
    });
  return new Response(readable, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" },
  });
}
