/**
 * Client-side routing on the History API: the path picks the page, the query string holds page
 * state (filters, columns, sort), so every view is a shareable URL and Back works.
 */
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};
window.addEventListener("popstate", notify);

export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  notify();
}

/** Re-renders the caller whenever the URL changes. */
export function useLocation(): URL {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return new URL(location.href);
}

/** The query string as state: read a key, or merge changes into the URL (replacing history). */
export function useQueryState(): [URLSearchParams, (patch: Record<string, string | undefined>) => void] {
  const url = useLocation();
  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined || value === "") next.delete(key);
      else next.set(key, value);
    }
    const qs = next.toString();
    navigate(`${location.pathname}${qs ? `?${qs}` : ""}`, true);
  };
  return [url.searchParams, update];
}

/** Matches "/runs/:id"-style patterns; returns the decoded parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? "";
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}
