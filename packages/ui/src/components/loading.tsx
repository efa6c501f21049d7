import type { ComponentChildren } from "preact";
import type { Async } from "../hooks/use-async";
import { ErrorBox } from "./error-box";

/** Renders an async value: a spinner line while loading, the error box on failure. */
export function Loaded<T>(props: { value: Async<T>; children: (value: T) => ComponentChildren }) {
  if (props.value.state === "loading") return <p class="muted">Loading…</p>;
  if (props.value.state === "error") return <ErrorBox error={props.value.error} />;
  return <>{props.children(props.value.value)}</>;
}
