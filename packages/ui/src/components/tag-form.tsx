import { useState } from "preact/hooks";

/** "Set a tag" on whatever the page shows: the key and value typed are handed to `onSet`. */
export function TagForm(props: { onSet(key: string, value: string): void }) {
  const [tag, setTag] = useState({ key: "", value: "" });
  return (
    <form
      class="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSet(tag.key, tag.value);
      }}
    >
      <input
        placeholder="tag key"
        value={tag.key}
        onInput={(e) => setTag({ ...tag, key: e.currentTarget.value })}
      />
      <input
        placeholder="value"
        value={tag.value}
        onInput={(e) => setTag({ ...tag, value: e.currentTarget.value })}
      />
      <button type="submit">Set tag</button>
    </form>
  );
}
