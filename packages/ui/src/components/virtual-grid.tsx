/**
 * A table virtualised in both directions: rows and columns outside the viewport are not in the
 * DOM, so 10,000 runs × hundreds of columns scroll like 30 × 10. Cells are absolutely positioned.
 */
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";
import { useVirtualizer } from "../hooks/use-virtualizer";

export interface GridColumn<T> {
  id: string;
  title: ComponentChildren;
  width: number;
  cell: (row: T) => ComponentChildren;
}

const ROW = 28;
const HEAD = 30;

export function VirtualGrid<T>(props: {
  rows: T[];
  columns: GridColumn<T>[];
  rowClass?: (row: T) => string;
  onHeaderClick?: (column: GridColumn<T>) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: props.rows.length,
    scrollElement: () => scroller.current,
    size: () => ROW,
    overscan: 10,
  });
  const cols = useVirtualizer({
    count: props.columns.length,
    scrollElement: () => scroller.current,
    size: (i) => props.columns[i]?.width ?? 120,
    horizontal: true,
    overscan: 2,
  });
  const width = cols.getTotalSize();
  const visibleCols = cols.getVirtualItems();
  return (
    <div class="grid" ref={scroller} data-testid="runs-grid">
      <div style={{ height: `${rows.getTotalSize() + HEAD}px`, width: `${width}px`, position: "relative" }}>
        <div class="row head" style={{ width: `${width}px` }}>
          {visibleCols.map((vc) => {
            const column = props.columns[vc.index] as GridColumn<T>;
            return (
              <div
                key={column.id}
                class="cell"
                title={column.id}
                style={{ left: `${vc.start}px`, width: `${vc.size}px` }}
                role="button"
                tabIndex={0}
                onClick={() => props.onHeaderClick?.(column)}
                onKeyDown={(event) => event.key === "Enter" && props.onHeaderClick?.(column)}
              >
                {column.title}
              </div>
            );
          })}
        </div>
        {rows.getVirtualItems().map((vr) => {
          const row = props.rows[vr.index] as T;
          return (
            <div
              key={vr.key}
              class={`row ${props.rowClass?.(row) ?? ""}`}
              style={{ top: `${vr.start + HEAD}px`, width: `${width}px` }}
            >
              {visibleCols.map((vc) => {
                const column = props.columns[vc.index] as GridColumn<T>;
                return (
                  <div key={column.id} class="cell" style={{ left: `${vc.start}px`, width: `${vc.size}px` }}>
                    {column.cell(row)}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
