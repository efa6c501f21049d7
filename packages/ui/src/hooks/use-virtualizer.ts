/**
 * @tanstack/virtual-core wired to Preact: one Virtualizer per axis over a scroll element, with
 * re-render on scroll. Only what is on screen (plus overscan) is ever in the DOM.
 * Item positions are computed again only when `count` or `key` changes, so callers pass sizes
 * that depend on nothing else (or a new `key` function when they do).
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from "@tanstack/virtual-core";
import { useLayoutEffect, useReducer, useState } from "preact/hooks";

export function useVirtualizer(options: {
  count: number;
  scrollElement: () => HTMLElement | null;
  size: (index: number) => number;
  key?: (index: number) => string | number;
  horizontal?: boolean;
  overscan?: number;
}): Virtualizer<HTMLElement, HTMLElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [virtualizer] = useState(
    () =>
      new Virtualizer<HTMLElement, HTMLElement>({
        count: options.count,
        getScrollElement: options.scrollElement,
        estimateSize: options.size,
        horizontal: options.horizontal ?? false,
        overscan: options.overscan ?? 6,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        onChange: () => rerender(undefined),
      }),
  );
  // Only what can change is passed again; the rest stays as constructed.
  virtualizer.setOptions({
    ...virtualizer.options,
    count: options.count,
    estimateSize: options.size,
    ...(options.key ? { getItemKey: options.key } : {}),
  });
  useLayoutEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => virtualizer._willUpdate());
  return virtualizer;
}
