/**
 * Create or edit a gateway endpoint: its name, its call limit (calls per second, minute, hour or
 * day, or none), and its models: provider, model name, and an existing secret or a new one typed
 * in (name, value in a password field, and api_base for openai/anthropic or account_id for
 * cloudflare). Primaries split the traffic by weight; fallbacks are tried in the order shown
 * (Up/Down move a row). An error the API answers is shown under the form, with every field kept.
 */
import { useState } from "preact/hooks";
import {
  authConfigField,
  createEndpoint,
  type GatewayEndpointWire,
  type GatewaySecretInfoWire,
  type LimitInput,
  limitInputOf,
  type ModelRow,
  type NewSecret,
  PROVIDERS,
  RENEWAL_PERIODS,
  rowsOf,
  sharesOf,
  updateEndpoint,
} from "../api/gateway";
import { ErrorBox } from "../components/error-box";

const NEW = "new";
const NO_LIMIT = "none";

const blankSecret = (): NewSecret => ({ name: "", value: "", apiBase: "", accountId: "" });
const blankRow = (linkage: ModelRow["linkage"], secrets: GatewaySecretInfoWire[]): ModelRow => ({
  provider: "openai",
  modelName: "",
  secret: secrets[0]?.secret_id ? { secretId: secrets[0].secret_id } : blankSecret(),
  linkage,
  weight: "1",
});

/** "name (api_key: sk-...abcd)": a secret as the API shows it, masked. */
export function secretLabel(secret: GatewaySecretInfoWire): string {
  const masked = Object.entries(secret.masked_values ?? {})
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");
  return masked ? `${secret.secret_name} (${masked})` : (secret.secret_name ?? "");
}

/** The endpoint's call limit: a period (or none) and the calls allowed in each. */
function LimitFields(props: {
  limit: LimitInput | undefined;
  onChange: (limit: LimitInput | undefined) => void;
}) {
  const { limit, onChange } = props;
  return (
    <fieldset class="model-row" data-testid="limit">
      <legend>Rate limit</legend>
      <div class="toolbar">
        {limit && (
          <>
            <input
              aria-label="Limit calls"
              inputMode="numeric"
              size={8}
              placeholder="calls"
              value={limit.calls}
              onInput={(e) => onChange({ ...limit, calls: e.currentTarget.value })}
            />
            <span>calls per</span>
          </>
        )}
        <select
          aria-label="Limit period"
          value={limit?.renewalPeriod ?? NO_LIMIT}
          onChange={(e) => {
            const period = e.currentTarget.value;
            onChange(period === NO_LIMIT ? undefined : { calls: limit?.calls ?? "", renewalPeriod: period });
          }}
        >
          <option value={NO_LIMIT}>No limit</option>
          {RENEWAL_PERIODS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <span class="muted">counted for the endpoint across all callers; a full window answers 429</span>
      </div>
    </fieldset>
  );
}

/** A new secret's name, value (password field) and the provider's auth_config field. */
function NewSecretFields(props: {
  provider: string;
  secret: NewSecret;
  onChange: (patch: Partial<NewSecret>) => void;
}) {
  const { secret, onChange } = props;
  const field = authConfigField(props.provider);
  return (
    <div class="toolbar">
      <input
        aria-label="Secret name"
        placeholder="Secret name"
        value={secret.name}
        onInput={(e) => onChange({ name: e.currentTarget.value })}
      />
      <input
        type="password"
        aria-label="Secret value"
        placeholder={field === "account_id" ? "API token (with an account ID only)" : "API key"}
        autocomplete="new-password"
        value={secret.value}
        onInput={(e) => onChange({ value: e.currentTarget.value })}
      />
      {field === "api_base" && (
        <input
          aria-label="API base"
          placeholder="api_base (optional)"
          size={36}
          value={secret.apiBase}
          onInput={(e) => onChange({ apiBase: e.currentTarget.value })}
        />
      )}
      {field === "account_id" && (
        <input
          aria-label="Account ID"
          placeholder="account_id (optional: without it, the AI binding)"
          size={40}
          value={secret.accountId}
          onInput={(e) => onChange({ accountId: e.currentTarget.value })}
        />
      )}
    </div>
  );
}

/** Up/Down/Remove for one row: the order is the fallback order (and the primaries' order). */
function RowMoves(props: { index: number; count: number; move: (to: number) => void; remove: () => void }) {
  const { index, count } = props;
  if (count < 2) return null;
  return (
    <>
      <button type="button" disabled={index === 0} onClick={() => props.move(index - 1)}>
        Up
      </button>
      <button type="button" disabled={index === count - 1} onClick={() => props.move(index + 1)}>
        Down
      </button>
      <button type="button" onClick={props.remove}>
        Remove
      </button>
    </>
  );
}

function ModelRowFields(props: {
  row: ModelRow;
  index: number;
  count: number;
  /** 1-based place among the fallbacks; undefined for a primary. */
  fallbackNumber: number | undefined;
  share: number | undefined;
  secrets: GatewaySecretInfoWire[];
  extra: { secret_id?: string; secret_name?: string }[];
  change: (patch: Partial<ModelRow>) => void;
  move: (to: number) => void;
  remove: () => void;
}) {
  const { row, change } = props;
  const typed = "value" in row.secret ? row.secret : undefined;
  const secretValue = typed ? NEW : (row.secret as { secretId: string }).secretId;
  return (
    <fieldset class="model-row" data-testid={`model-row-${props.index}`}>
      <legend>
        {row.linkage === "PRIMARY" ? "Primary model" : `Fallback model ${props.fallbackNumber}`}
      </legend>
      <div class="toolbar">
        <select
          aria-label="Role"
          value={row.linkage}
          onChange={(e) => change({ linkage: e.currentTarget.value as ModelRow["linkage"] })}
        >
          <option value="PRIMARY">Primary</option>
          <option value="FALLBACK">Fallback</option>
        </select>
        <select
          aria-label="Provider"
          value={row.provider}
          onChange={(e) => change({ provider: e.currentTarget.value })}
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
          onInput={(e) => change({ modelName: e.currentTarget.value })}
        />
        <select
          aria-label="Secret"
          value={secretValue}
          onChange={(e) => {
            const value = e.currentTarget.value;
            change({ secret: value === NEW ? blankSecret() : { secretId: value } });
          }}
        >
          {props.secrets.map((s) => (
            <option key={s.secret_id} value={s.secret_id}>
              {secretLabel(s)}
            </option>
          ))}
          {props.extra.map((d) => (
            <option key={d.secret_id} value={d.secret_id}>
              {d.secret_name ?? d.secret_id}
            </option>
          ))}
          <option value={NEW}>New secret…</option>
        </select>
        {row.linkage === "PRIMARY" && (
          <label>
            Weight{" "}
            <input
              aria-label="Weight"
              inputMode="decimal"
              size={6}
              value={row.weight}
              onInput={(e) => change({ weight: e.currentTarget.value })}
            />{" "}
            <span class="muted" data-testid="share">
              {props.share === undefined ? "" : `${Math.round(props.share * 1000) / 10}%`}
            </span>
          </label>
        )}
        <RowMoves index={props.index} count={props.count} move={props.move} remove={props.remove} />
      </div>
      {typed && (
        <NewSecretFields
          provider={row.provider}
          secret={typed}
          onChange={(patch) => change({ secret: { ...typed, ...patch } })}
        />
      )}
    </fieldset>
  );
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
  const [limit, setLimit] = useState<LimitInput | undefined>(() => limitInputOf(props.endpoint));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Secrets a loaded row uses but the list lacks (not an admin, or deleted): named from the definition.
  const known = new Set(props.secrets.map((s) => s.secret_id));
  const extra = (props.endpoint?.model_mappings ?? [])
    .map((m) => m.model_definition ?? {})
    .filter((d) => d.secret_id && !known.has(d.secret_id));
  const shares = sharesOf(rows);
  const primaries = rows.filter((r) => r.linkage === "PRIMARY").length;

  const change = (index: number, patch: Partial<ModelRow>) =>
    setRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const move = (from: number, to: number) => {
    const next = [...rows];
    const [row] = next.splice(from, 1);
    if (row) next.splice(to, 0, row);
    setRows(next);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (props.endpoint) await updateEndpoint(props.endpoint, { rows, limit });
      else await createEndpoint(name.trim(), { rows, limit });
      props.onSaved(name.trim());
    } catch (failure) {
      // Every field keeps what was typed, so the form can be corrected and sent again.
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  let fallbacks = 0;
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
        {primaries > 1 && <span class="muted">Traffic is split between the primaries by weight.</span>}
      </div>
      {rows.map((row, index) => (
        <ModelRowFields
          // Rows have no id of their own; the index keys them, as the test ids do.
          key={index}
          row={row}
          index={index}
          count={rows.length}
          fallbackNumber={row.linkage === "FALLBACK" ? ++fallbacks : undefined}
          share={primaries > 1 ? shares[index] : undefined}
          secrets={props.secrets}
          extra={extra}
          change={(patch) => change(index, patch)}
          move={(to) => move(index, to)}
          remove={() => setRows(rows.filter((_, i) => i !== index))}
        />
      ))}
      <LimitFields limit={limit} onChange={setLimit} />
      <div class="toolbar">
        <button type="button" onClick={() => setRows([...rows, blankRow("PRIMARY", props.secrets)])}>
          Add primary
        </button>
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
