/** One gateway endpoint: its models, a chat playground, and (tab Edit) its models changed or the endpoint deleted. */
import { useState } from "preact/hooks";
import { type GatewayEndpointWire, getEndpoint, limitText, removeEndpoint } from "../api/gateway";
import { ErrorBox } from "../components/error-box";
import { KeyValueTable } from "../components/kv-table";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { useTabs } from "../components/tabs";
import { formatTime } from "../format";
import { useAsync } from "../hooks/use-async";
import { navigate } from "../router";
import { EndpointForm } from "./endpoint-form";
import { useSecrets } from "./gateway";
import { Playground } from "./playground";

/**
 * Its models as the table shows them: primaries (with weight and share when several split the
 * traffic), then the fallbacks in the order they are tried.
 */
function modelRows(endpoint: GatewayEndpointWire): [string, string][] {
  const mappings = endpoint.model_mappings ?? [];
  const primaries = mappings.filter((m) => m.linkage_type !== "FALLBACK");
  const fallbacks = mappings
    .filter((m) => m.linkage_type === "FALLBACK")
    .sort(
      (a, b) =>
        Number(a.fallback_order ?? Number.MAX_SAFE_INTEGER) -
        Number(b.fallback_order ?? Number.MAX_SAFE_INTEGER),
    );
  const total = primaries.reduce((sum, m) => sum + Math.max(0, m.weight ?? 1), 0);
  const model = (m: (typeof mappings)[number]) =>
    `${m.model_definition?.provider}/${m.model_definition?.model_name} · secret ${m.model_definition?.secret_name ?? "none"}`;
  return [
    ...primaries.map((m, i): [string, string] => {
      if (primaries.length === 1) return ["Primary", model(m)];
      const weight = m.weight ?? 1;
      const share = total > 0 ? ` · ${Math.round((Math.max(0, weight) / total) * 1000) / 10}%` : "";
      return [`Primary ${i + 1}`, `${model(m)} · weight ${weight}${share}`];
    }),
    ...fallbacks.map((m, i): [string, string] => [`Fallback ${i + 1}`, model(m)]),
  ];
}

export function GatewayEndpointPage({ name }: { name: string }) {
  const endpoint = useAsync(() => getEndpoint(name), [name]);
  const secrets = useSecrets();
  const [tab, bar] = useTabs([
    ["playground", "Playground"],
    ["edit", "Edit"],
  ]);
  const [error, setError] = useState<unknown>();
  return (
    <>
      <h1>
        <Link href="/ai-gateway">AI Gateway</Link> › {name}
      </h1>
      <Loaded value={endpoint}>
        {(e) => (
          <>
            <KeyValueTable
              rows={[
                ...modelRows(e),
                ["Limit", limitText(e) || "none"],
                ["Created", formatTime(e.created_at)],
                ["Updated", formatTime(e.last_updated_at)],
              ]}
            />
            {bar}
            {tab === "playground" && <Playground endpoint={name} />}
            {tab === "edit" && (
              <Loaded value={secrets}>
                {(list) => (
                  <>
                    <EndpointForm
                      key={e.last_updated_at}
                      endpoint={e}
                      secrets={list}
                      onSaved={() => {
                        endpoint.reload();
                        secrets.reload();
                      }}
                    />
                    <div class="toolbar">
                      <button
                        type="button"
                        onClick={() => {
                          if (!confirm(`Delete endpoint "${name}"?`)) return;
                          removeEndpoint(e).then(() => navigate("/ai-gateway"), setError);
                        }}
                      >
                        Delete endpoint
                      </button>
                    </div>
                    {error !== undefined && <ErrorBox error={error} />}
                  </>
                )}
              </Loaded>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
