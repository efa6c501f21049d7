/**
 * @tanstack/virtual-core wired to Preact: one Virtualizer per axis over a scroll element, with
 * re-render on scroll. Only what is on screen (plus overscan) is ever in the DOM.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from "@tanstack/virtual-core";
import { useLayoutEffect, useReducer, useState } from "preact/hooks";

export function useVirtualizer(options: {
  count: number;
  scrollElement: () => HTMLElement | null;
  size: (index: number) => number;
  horizontal?: boolean;
  overscan?: number;
}): Virtualizer<HTMLElement, HTMLElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved = {
    count: options.count,
    getScrollElement: options.scrollElement,
    estimateSize: options.size,
    horizontal: options.horizontal ?? false,
    overscan: options.overscan ?? 6,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: () => rerender(undefined),
  };
  const [virtualizer] = useState(() => new Virtualizer<HTMLElement, HTMLElement>(resolved));
  virtualizer.setOptions(resolved);
  useLayoutEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => virtualizer._willUpdate());
  return virtualizer;
}
