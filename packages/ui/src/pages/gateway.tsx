/**
 * The AI gateway: its endpoints (primary model, fallbacks, call limit), a form for a new one,
 * and its secrets as the API shows them (masked values only; listing them needs an admin).
 */
import { ApiError } from "../api/client";
import {
  type GatewayEndpointWire,
  type GatewaySecretInfoWire,
  limitText,
  listEndpoints,
  listSecrets,
} from "../api/gateway";
import { Link } from "../components/link";
import { Loaded } from "../components/loading";
import { formatTime } from "../format";
import { type Async, useAsync } from "../hooks/use-async";
import { useQueryState } from "../router";
import { EndpointForm, secretLabel } from "./endpoint-form";

type Mapping = NonNullable<GatewayEndpointWire["model_mappings"]>[number];

const modelOf = (m: Mapping) =>
  `${m.model_definition?.provider ?? "?"}/${m.model_definition?.model_name ?? "?"}`;

/** A primary with its weight when the endpoint splits traffic between several. */
const weighted = (m: Mapping, all: Mapping[]) =>
  all.length > 1 ? `${modelOf(m)} (${m.weight ?? 1})` : modelOf(m);

/** Secrets visible to this caller: none (not an error) when the server says admins only. */
export function useSecrets(): Async<GatewaySecretInfoWire[]> & { reload: () => void } {
  return useAsync(
    () =>
      listSecrets().catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 403) return [];
        throw error;
      }),
    [],
  );
}

/** The secret a mapping's definition uses, masked as the secrets list shows it. */
function SecretCell(props: { mapping: Mapping | undefined; secrets: GatewaySecretInfoWire[] }) {
  const definition = props.mapping?.model_definition;
  if (!definition?.secret_id) return <span class="muted">none</span>;
  const secret = props.secrets.find((s) => s.secret_id === definition.secret_id);
  return <>{secret ? secretLabel(secret) : definition.secret_name}</>;
}

function EndpointTable(props: { endpoints: GatewayEndpointWire[]; secrets: GatewaySecretInfoWire[] }) {
  if (props.endpoints.length === 0) return <p class="muted">No endpoints yet.</p>;
  return (
    <table class="list" data-testid="endpoints">
      <thead>
        <tr>
          <th>Name</th>
          <th>Model</th>
          <th>Secret</th>
          <th>Fallbacks</th>
          <th>Limit</th>
          <th>Created</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {props.endpoints.map((e) => {
          const mappings = e.model_mappings ?? [];
          const primaries = mappings.filter((m) => m.linkage_type !== "FALLBACK");
          const fallbacks = mappings
            .filter((m) => m.linkage_type === "FALLBACK")
            .sort((a, b) => Number(a.fallback_order ?? 0) - Number(b.fallback_order ?? 0));
          return (
            <tr key={e.endpoint_id}>
              <td>
                <Link href={`/ai-gateway/${encodeURIComponent(e.name ?? "")}`}>{e.name}</Link>
              </td>
              <td>{primaries.map((m) => weighted(m, primaries)).join(", ")}</td>
              <td>
                <SecretCell mapping={primaries[0]} secrets={props.secrets} />
              </td>
              <td>{fallbacks.map(modelOf).join(" → ")}</td>
              <td>
                <code>{limitText(e)}</code>
              </td>
              <td>{formatTime(e.created_at)}</td>
              <td>{formatTime(e.last_updated_at)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function GatewayPage() {
  const [query, setQuery] = useQueryState();
  const creating = query.get("new") === "1";
  const endpoints = useAsync(listEndpoints, []);
  const secrets = useSecrets();
  const known = secrets.state === "ok" ? secrets.value : [];
  return (
    <>
      <h1>AI Gateway</h1>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setQuery({ new: creating ? undefined : "1" })}>
          {creating ? "Cancel" : "New endpoint"}
        </button>
      </div>
      {creating && secrets.state !== "loading" && (
        <EndpointForm
          secrets={known}
          onSaved={() => {
            setQuery({ new: undefined });
            endpoints.reload();
            secrets.reload();
          }}
        />
      )}
      <Loaded value={endpoints}>{(list) => <EndpointTable endpoints={list} secrets={known} />}</Loaded>
      <h2>Secrets</h2>
      <Loaded value={secrets}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">No secrets (or only admins may list them).</p>
          ) : (
            <table class="list" data-testid="secrets">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Provider</th>
                  <th>Value</th>
                  <th>Auth config</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.secret_id}>
                    <td>{s.secret_name}</td>
                    <td>{s.provider}</td>
                    <td>
                      {Object.entries(s.masked_values ?? {}).map(([key, value]) => (
                        <code key={key}>
                          {key}: {value}{" "}
                        </code>
                      ))}
                    </td>
                    <td>
                      {Object.entries(s.auth_config ?? {})
                        .map(([key, value]) => `${key}: ${value}`)
                        .join(", ")}
                    </td>
                    <td>{formatTime(s.last_updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </>
  );
}
