import type { ComponentChildren } from "preact";

/** A two-column table of keys and values (params, tags, details). */
export function KeyValueTable(props: { rows: [string, ComponentChildren][]; empty?: string }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty ?? "None."}</p>;
  return (
    <table class="kv">
      <tbody>
        {props.rows.map(([key, value]) => (
          <tr key={key}>
            <th>{key}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
