/** One gateway endpoint: its models, a chat playground, and (tab Edit) its models changed or the endpoint deleted. */
import { useState } from "preact/hooks";
import { getEndpoint, limitOf, removeEndpoint } from "../api/gateway";
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
                ...(e.model_mappings ?? []).map((m, i): [string, string] => [
                  m.linkage_type === "FALLBACK" ? `Fallback ${Number(m.fallback_order ?? i) + 1}` : "Primary",
                  `${m.model_definition?.provider}/${m.model_definition?.model_name} · secret ${m.model_definition?.secret_name ?? "none"}`,
                ]),
                ["Limit", limitOf(e) ?? ""],
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
