/**
 * Previews by file type: images, JSON (pretty), CSV/TSV as a table, MLmodel with its flavors and
 * signature, anything else as text. Only the first 256 KB is read for text-like files.
 */
import { useState } from "preact/hooks";
import { artifactBlobUrl, readArtifactHead } from "../api/artifacts";
import { authHeader } from "../api/credentials";
import { ErrorBox } from "../components/error-box";
import { KeyValueTable } from "../components/kv-table";
import { Loaded } from "../components/loading";
import { useAsync } from "../hooks/use-async";
import { parseCsv } from "./csv";
import { parseMlmodel } from "./mlmodel";

const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp)$/i;

export function ArtifactPreview({ url, path }: { url: string; path: string }) {
  return (
    <div data-testid="artifact-preview">
      <div class="toolbar">
        <strong>{path}</strong>
        <DownloadLink url={url} path={path} />
      </div>
      {IMAGE.test(path) ? <ImagePreview url={url} path={path} /> : <TextPreview url={url} path={path} />}
    </div>
  );
}

/**
 * A plain link streams the file when the server needs no credentials. Signed in, a link cannot
 * carry the Authorization header, so the file is fetched with it and saved from a blob URL (held
 * in the tab's memory until saved: fine for the artifacts one downloads from a browser).
 */
function DownloadLink({ url, path }: { url: string; path: string }) {
  const [error, setError] = useState<unknown>();
  if (!authHeader()) {
    return (
      <a href={url} download>
        Download
      </a>
    );
  }
  const save = async () => {
    try {
      const href = await artifactBlobUrl(url);
      const link = document.createElement("a");
      link.href = href;
      link.download = path.split("/").pop() || "artifact";
      link.click();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <button type="button" class="link" onClick={() => void save()}>
        Download
      </button>
      {error !== undefined && <ErrorBox error={error} />}
    </>
  );
}

function ImagePreview({ url, path }: { url: string; path: string }) {
  const blob = useAsync(() => artifactBlobUrl(url), [url]);
  return <Loaded value={blob}>{(src) => <img src={src} alt={path} style={{ maxWidth: "100%" }} />}</Loaded>;
}

function TextPreview({ url, path }: { url: string; path: string }) {
  const head = useAsync(() => readArtifactHead(url), [url]);
  return (
    <Loaded value={head}>
      {({ text, truncated }) => (
        <>
          {truncated && <p class="muted">Showing the first 256 KB.</p>}
          <Formatted text={text} path={path} truncated={truncated} />
        </>
      )}
    </Loaded>
  );
}

function Formatted({ text, path, truncated }: { text: string; path: string; truncated: boolean }) {
  const name = path.split("/").pop() ?? "";
  if (name === "MLmodel") return <MlmodelView text={text} />;
  if (/\.(csv|tsv)$/i.test(name)) {
    const rows = parseCsv(text, name.toLowerCase().endsWith(".tsv") ? "\t" : ",", truncated);
    return (
      <table class="list" data-testid="csv-table">
        <tbody>
          {rows.slice(0, 1000).map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (i === 0 ? <th key={j}>{cell}</th> : <td key={j}>{cell}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (/\.json$/i.test(name) && !truncated) {
    try {
      return <pre>{JSON.stringify(JSON.parse(text), null, 2)}</pre>;
    } catch {
      // Not valid JSON after all: show it as text.
    }
  }
  return <pre>{text}</pre>;
}

function MlmodelView({ text }: { text: string }) {
  const model = parseMlmodel(text);
  const columns = (specs: { name?: string; type?: string }[]) =>
    specs.map((s, i) => [s.name ?? `[${i}]`, s.type ?? ""] as [string, string]);
  return (
    <>
      <KeyValueTable rows={[["Flavors", model.flavors.join(", ")], ...model.fields]} />
      <h2>Signature inputs</h2>
      <div data-testid="signature-inputs">
        <KeyValueTable rows={columns(model.inputs)} empty="No signature." />
      </div>
      <h2>Signature outputs</h2>
      <KeyValueTable rows={columns(model.outputs)} empty="None." />
      <h2>MLmodel</h2>
      <pre>{text}</pre>
    </>
  );
}
