/**
 * Chat with a gateway endpoint: the conversation so far is sent with `stream: true` to
 * /gateway/<name>/mlflow/invocations and the answer drawn token by token as its events arrive.
 * Stop aborts the call; the text received so far stays.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { type ChatMessage, streamChat } from "../api/gateway";
import { ErrorBox } from "../components/error-box";

interface Shown extends ChatMessage {
  stopped?: boolean;
}

export function Playground(props: { endpoint: string }) {
  const [messages, setMessages] = useState<Shown[]>([]);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<unknown>();
  const [abort, setAbort] = useState<AbortController | undefined>();
  // The answer being streamed, kept outside state so each token appends to the latest text.
  const answer = useRef("");
  const current = useRef<AbortController | undefined>(undefined);
  current.current = abort;
  // Leaving the page ends the call.
  useEffect(() => () => current.current?.abort(), []);

  const sendMessage = async (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || abort) return;
    const history: ChatMessage[] = [
      ...messages.filter((m) => m.content).map(({ role, content }) => ({ role, content })),
      { role: "user", content: text },
    ];
    const controller = new AbortController();
    answer.current = "";
    setDraft("");
    setError(undefined);
    setAbort(controller);
    setMessages([...history, { role: "assistant", content: "" }]);
    const show = (extra: Partial<Shown> = {}) =>
      setMessages([...history, { role: "assistant", content: answer.current, ...extra }]);
    try {
      await streamChat(
        props.endpoint,
        history,
        (token) => {
          answer.current += token;
          show();
        },
        controller.signal,
      );
    } catch (failure) {
      if (controller.signal.aborted) show({ stopped: true });
      else setError(failure);
    } finally {
      setAbort(undefined);
    }
  };

  return (
    <div data-testid="playground">
      <div class="chat" data-testid="chat-log">
        {messages.length === 0 && <p class="muted">Send a message to try the endpoint.</p>}
        {messages.map((m, i) => (
          <div key={i} class={`chat-message ${m.role}`} data-testid={`chat-${m.role}`}>
            <strong>{m.role}</strong>
            <pre>{m.content || (abort && i === messages.length - 1 ? "…" : "")}</pre>
            {m.stopped && <span class="muted">(stopped)</span>}
          </div>
        ))}
      </div>
      {error !== undefined && <ErrorBox error={error} />}
      <form class="toolbar" onSubmit={(e) => void sendMessage(e)}>
        <textarea
          aria-label="Message"
          placeholder="Message"
          rows={3}
          class="chat-input"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <button type="submit" class="primary" disabled={!draft.trim() || abort !== undefined}>
          Send
        </button>
        <button type="button" disabled={!abort} onClick={() => abort?.abort()}>
          Stop
        </button>
        <button
          type="button"
          disabled={abort !== undefined || messages.length === 0}
          onClick={() => {
            setMessages([]);
            setError(undefined);
          }}
        >
          Clear
        </button>
      </form>
    </div>
  );
}
