/** A run's or a logged model's artifacts: a folder tree listed on demand, and a preview of the selected file. */
import { useState } from "preact/hooks";
import type { ArtifactSource, FileInfo } from "../api/artifacts";
import { Loaded } from "../components/loading";
import { formatBytes } from "../format";
import { useAsync } from "../hooks/use-async";
import { useQueryState } from "../router";
import { ArtifactPreview } from "./artifact-preview";

export function ArtifactBrowser({ source }: { source: ArtifactSource }) {
  const [query, setQuery] = useQueryState();
  const selected = query.get("file") ?? "";
  return (
    <div class="split">
      <div class="tree" data-testid="artifact-tree">
        <Folder
          source={source}
          path=""
          depth={0}
          selected={selected}
          onSelect={(file) => setQuery({ file })}
        />
      </div>
      <div class="preview">
        {selected ? (
          <ArtifactPreview url={source.url(selected)} path={selected} />
        ) : (
          <p class="muted">Select a file to preview it.</p>
        )}
      </div>
    </div>
  );
}

function Folder(props: {
  source: ArtifactSource;
  path: string;
  depth: number;
  selected: string;
  onSelect: (path: string) => void;
}) {
  const files = useAsync(() => props.source.list(props.path), [props.source.id, props.path]);
  return (
    <Loaded value={files}>
      {(list) =>
        list.length === 0 && props.depth === 0 ? (
          <p class="muted">No artifacts.</p>
        ) : (
          list.map((file) => <Entry key={file.path} file={file} {...props} />)
        )
      }
    </Loaded>
  );
}

function Entry(props: {
  file: FileInfo;
  source: ArtifactSource;
  depth: number;
  selected: string;
  onSelect: (path: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const name = props.file.path.split("/").pop();
  const indent = { paddingLeft: `${props.depth * 14 + 4}px` };
  if (props.file.is_dir) {
    return (
      <>
        <button type="button" class="item" style={indent} aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "▾" : "▸"} {name}/
        </button>
        {open && (
          <Folder
            source={props.source}
            path={props.file.path}
            depth={props.depth + 1}
            selected={props.selected}
            onSelect={props.onSelect}
          />
        )}
      </>
    );
  }
  return (
    <button
      type="button"
      class={`item${props.selected === props.file.path ? " selected" : ""}`}
      style={indent}
      aria-pressed={props.selected === props.file.path}
      onClick={() => props.onSelect(props.file.path)}
    >
      {name} <span class="muted">{formatBytes(props.file.file_size)}</span>
    </button>
  );
}
