/** Choosing the runs table's metric, param and tag columns (a checklist in a <details>). */
export function ColumnPicker(props: {
  available: string[];
  chosen: string[];
  onChange: (cols: string[]) => void;
}) {
  const chosen = new Set(props.chosen);
  return (
    <details class="picker">
      <summary>Columns ({props.chosen.length})</summary>
      <div
        style={{
          position: "absolute",
          background: "#fff",
          border: "1px solid #c5cad3",
          padding: 8,
          zIndex: 5,
          maxHeight: 400,
          overflow: "auto",
        }}
      >
        {props.available.map((id) => (
          <label key={id} style={{ display: "block" }}>
            <input
              type="checkbox"
              checked={chosen.has(id)}
              onChange={() =>
                props.onChange(chosen.has(id) ? props.chosen.filter((c) => c !== id) : [...props.chosen, id])
              }
            />{" "}
            {id}
          </label>
        ))}
      </div>
    </details>
  );
}
