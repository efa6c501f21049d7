import { useEffect, useState } from "preact/hooks";

export type Async<T> =
  | { state: "loading"; value?: undefined; error?: undefined }
  | { state: "ok"; value: T; error?: undefined }
  | { state: "error"; value?: undefined; error: unknown };

/** Runs `load` whenever `deps` change; stale results are dropped. `reload` runs it again. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> & { reload: () => void } {
  const [result, setResult] = useState<Async<T>>({ state: "loading" });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setResult({ state: "loading" });
    load().then(
      (value) => live && setResult({ state: "ok", value }),
      (error: unknown) => live && setResult({ state: "error", error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { ...result, reload: () => setRound((r) => r + 1) };
}
