import { useQueryState } from "../router";

/** Tabs kept in the URL's `tab` parameter; returns the active tab id. */
export function useTabs(tabs: [string, string][]): [string, preact.JSX.Element] {
  const [query, setQuery] = useQueryState();
  const active = query.get("tab") ?? tabs[0]?.[0] ?? "";
  const bar = (
    <div class="tabs" role="tablist">
      {tabs.map(([id, title]) => (
        <a
          key={id}
          href={`?tab=${id}`}
          role="tab"
          class={id === active ? "active" : ""}
          onClick={(event) => {
            event.preventDefault();
            setQuery({ tab: id === tabs[0]?.[0] ? undefined : id });
          }}
        >
          {title}
        </a>
      ))}
    </div>
  );
  return [active, bar];
}
