/**
 * Create or edit a gateway endpoint: its name, and its models (provider, model name, and an
 * existing secret or a new one typed in: name, value in a password field, optional api_base).
 * The first model is the primary; the others are fallbacks, tried in the order shown.
 */
import { useState } from "preact/hooks";
import {
  createEndpoint,
  type GatewayEndpointWire,
  type GatewaySecretInfoWire,
  type ModelRow,
  type NewSecret,
  PROVIDERS,
  rowsOf,
  updateEndpoint,
} from "../api/gateway";
import { ErrorBox } from "../components/error-box";

const NEW = "new";

const blankSecret = (): NewSecret => ({ name: "", value: "", apiBase: "" });
const blankRow = (linkage: ModelRow["linkage"], secrets: GatewaySecretInfoWire[]): ModelRow => ({
  provider: "openai",
  modelName: "",
  secret: secrets[0]?.secret_id ? { secretId: secrets[0].secret_id } : blankSecret(),
  linkage,
});

/** "name (api_key: sk-...abcd)": a secret as the API shows it, masked. */
export function secretLabel(secret: GatewaySecretInfoWire): string {
  const masked = Object.entries(secret.masked_values ?? {})
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");
  return masked ? `${secret.secret_name} (${masked})` : (secret.secret_name ?? "");
}

export function EndpointForm(props: {
  endpoint?: GatewayEndpointWire;
  secrets: GatewaySecretInfoWire[];
  onSaved: (name: string) => void;
}) {
  const editing = props.endpoint !== undefined;
  const [name, setName] = useState(props.endpoint?.name ?? "");
  const [rows, setRows] = useState<ModelRow[]>(() =>
    props.endpoint ? rowsOf(props.endpoint) : [blankRow("PRIMARY", props.secrets)],
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Secrets a loaded row uses but the list lacks (not an admin, or deleted): named from the definition.
  const known = new Set(props.secrets.map((s) => s.secret_id));
  const extra = (props.endpoint?.model_mappings ?? [])
    .map((m) => m.model_definition)
    .filter((d) => d?.secret_id && !known.has(d.secret_id));

  const change = (index: number, patch: Partial<ModelRow>) =>
    setRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (props.endpoint) await updateEndpoint(props.endpoint, rows);
      else await createEndpoint(name.trim(), rows);
      props.onSaved(name.trim());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" data-testid="endpoint-form" onSubmit={(e) => void submit(e)}>
      <div class="toolbar">
        <input
          name="endpoint-name"
          aria-label="Endpoint name"
          placeholder="Endpoint name (letters, digits, _ - .)"
          value={name}
          disabled={editing}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      {rows.map((row, index) => {
        const typed = "value" in row.secret ? row.secret : undefined;
        const secretValue = typed ? NEW : (row.secret as { secretId: string }).secretId;
        const editSecret = (patch: Partial<NewSecret>) =>
          typed && change(index, { secret: { ...typed, ...patch } });
        return (
          <fieldset key={index} class="model-row" data-testid={`model-row-${index}`}>
            <legend>{row.linkage === "PRIMARY" ? "Primary model" : "Fallback model"}</legend>
            <div class="toolbar">
              <select
                aria-label="Role"
                value={row.linkage}
                onChange={(e) => change(index, { linkage: e.currentTarget.value as ModelRow["linkage"] })}
              >
                <option value="PRIMARY">Primary</option>
                <option value="FALLBACK">Fallback</option>
              </select>
              <select
                aria-label="Provider"
                value={row.provider}
                onChange={(e) => change(index, { provider: e.currentTarget.value })}
              >
                {PROVIDERS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
              <input
                aria-label="Model name"
                placeholder={row.provider === "edgeflow" ? "model@alias or model/3" : "Model name"}
                value={row.modelName}
                onInput={(e) => change(index, { modelName: e.currentTarget.value })}
              />
              <select
                aria-label="Secret"
                value={secretValue}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  change(index, { secret: value === NEW ? blankSecret() : { secretId: value } });
                }}
              >
                {props.secrets.map((s) => (
                  <option key={s.secret_id} value={s.secret_id}>
                    {secretLabel(s)}
                  </option>
                ))}
                {extra.map((d) => (
                  <option key={d?.secret_id} value={d?.secret_id}>
                    {d?.secret_name ?? d?.secret_id}
                  </option>
                ))}
                <option value={NEW}>New secret…</option>
              </select>
              {rows.length > 1 && (
                <button type="button" onClick={() => setRows(rows.filter((_, i) => i !== index))}>
                  Remove
                </button>
              )}
            </div>
            {typed && (
              <div class="toolbar">
                <input
                  aria-label="Secret name"
                  placeholder="Secret name"
                  value={typed.name}
                  onInput={(e) => editSecret({ name: e.currentTarget.value })}
                />
                <input
                  type="password"
                  aria-label="Secret value"
                  placeholder="API key"
                  autocomplete="new-password"
                  value={typed.value}
                  onInput={(e) => editSecret({ value: e.currentTarget.value })}
                />
                <input
                  aria-label="API base"
                  placeholder="api_base (optional)"
                  size={36}
                  value={typed.apiBase}
                  onInput={(e) => editSecret({ apiBase: e.currentTarget.value })}
                />
              </div>
            )}
          </fieldset>
        );
      })}
      <div class="toolbar">
        <button type="button" onClick={() => setRows([...rows, blankRow("FALLBACK", props.secrets)])}>
          Add fallback
        </button>
        <button type="submit" class="primary" disabled={busy || !name.trim()}>
          {editing ? "Save endpoint" : "Create endpoint"}
        </button>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
    </form>
  );
}
