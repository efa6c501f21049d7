/**
 * For a version whose flavor the inference worker serves: send its input example (editable) to
 * /models/<name>/<version>/invocations and show the answer. The inference worker runs on its own
 * origin (npm start: the next port); its URL is remembered in localStorage.
 */
import { useState } from "preact/hooks";
import { readArtifactHead } from "../api/artifacts";
import { send } from "../api/client";
import { versionArtifactUrl } from "../api/registry";
import { ErrorBox } from "../components/error-box";
import { useAsync } from "../hooks/use-async";

const SERVED = ["onnx", "transformers_js"];
const KEY = "edgeflow.inferenceUrl";

function defaultInferenceUrl(): string {
  const saved = localStorage.getItem(KEY);
  if (saved) return saved;
  const port = Number(location.port || "80");
  return `${location.protocol}//${location.hostname}:${port + 1}`;
}

export function TryIt(props: { name: string; version: string; flavors: string[] }) {
  const served = props.flavors.some((f) => SERVED.includes(f));
  const example = useAsync(
    () =>
      served
        ? readArtifactHead(versionArtifactUrl(props.name, props.version, "input_example.json")).then(
            (r) => r.text,
          )
        : Promise.resolve(""),
    [props.name, props.version, served],
  );
  const [base, setBase] = useState(defaultInferenceUrl);
  const [body, setBody] = useState<string | undefined>();
  const [answer, setAnswer] = useState<{ ok: string } | { error: unknown } | undefined>();
  if (!served) return null;
  const input = body ?? (example.state === "ok" ? example.value : "");
  const call = async () => {
    localStorage.setItem(KEY, base);
    try {
      const url = `${base}/models/${encodeURIComponent(props.name)}/${props.version}/invocations`;
      const response = await send(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: input,
      });
      setAnswer({ ok: JSON.stringify(await response.json(), null, 2) });
    } catch (error) {
      setAnswer({ error });
    }
  };
  return (
    <div data-testid="try-it">
      <h2>Try it</h2>
      <div class="toolbar">
        Inference URL <input value={base} size={32} onInput={(e) => setBase(e.currentTarget.value)} />
        <button type="button" class="primary" onClick={() => void call()}>
          Send
        </button>
      </div>
      <textarea
        rows={8}
        style={{ width: "100%", fontFamily: "monospace" }}
        value={input}
        onInput={(e) => setBody(e.currentTarget.value)}
      />
      {answer && "ok" in answer && <pre data-testid="try-it-answer">{answer.ok}</pre>}
      {answer && "error" in answer && <ErrorBox error={answer.error} />}
    </div>
  );
}
