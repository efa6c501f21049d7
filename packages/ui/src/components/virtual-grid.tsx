/**
 * A table virtualised in both directions: rows and columns outside the viewport are not in the
 * DOM, so 10,000 runs × hundreds of columns scroll like 30 × 10.
 *
 * Scrolling costs only what enters the viewport: the virtualisers' options are stable (no
 * re-measuring per render), a row re-renders only when its run, its position or the visible
 * columns change (`shouldComponentUpdate`), each row is a CSS grid of plain cells (no inline
 * style per cell, so Chromium shares their computed style) inside `contain: strict`, and rows
 * keep their DOM nodes: a row leaving the viewport hands its slot to the one entering.
 */
import { Component, type ComponentChildren } from "preact";
import { useMemo, useRef } from "preact/hooks";
import { useVirtualizer } from "../hooks/use-virtualizer";

export interface GridColumn<T> {
  id: string;
  title: ComponentChildren;
  width: number;
  cell: (row: T) => ComponentChildren;
}

const ROW = 28;
const HEAD = 30;
const ROW_OVERSCAN = 6;

interface RowProps<T> {
  row: T;
  index: number;
  columns: GridColumn<T>[];
  first: number;
  last: number;
  /** Grid template and left offset of the visible columns (strings compare by value). */
  template: string;
  offset: number;
  width: number;
  className: string;
}

class GridRow<T> extends Component<RowProps<T>> {
  shouldComponentUpdate(next: RowProps<T>): boolean {
    const now = this.props;
    return (
      next.row !== now.row ||
      next.index !== now.index ||
      next.columns !== now.columns ||
      next.first !== now.first ||
      next.last !== now.last ||
      next.template !== now.template ||
      next.width !== now.width ||
      next.className !== now.className
    );
  }

  render() {
    const { row, index, columns, first, last, template, offset, width, className } = this.props;
    const cells = [];
    for (let i = first; i <= last; i++) {
      const column = columns[i] as GridColumn<T>;
      cells.push(
        <div key={column.id} class="cell">
          {column.cell(row)}
        </div>,
      );
    }
    return (
      <div
        class={`row ${className}`}
        style={{
          top: `${index * ROW + HEAD}px`,
          width: `${width}px`,
          paddingLeft: `${offset}px`,
          gridTemplateColumns: template,
        }}
      >
        {cells}
      </div>
    );
  }
}

export function VirtualGrid<T>(props: {
  rows: T[];
  columns: GridColumn<T>[];
  rowClass?: (row: T) => string;
  onHeaderClick?: (column: GridColumn<T>) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const columnsRef = useRef(props.columns);
  columnsRef.current = props.columns;
  const rows = useVirtualizer({
    count: props.rows.length,
    scrollElement: () => scroller.current,
    size: () => ROW,
    overscan: ROW_OVERSCAN,
  });
  const cols = useVirtualizer({
    count: props.columns.length,
    scrollElement: () => scroller.current,
    size: (i) => columnsRef.current[i]?.width ?? 120,
    horizontal: true,
    overscan: 1,
    // A new key function when the columns change is what makes the virtualiser re-measure.
    key: useMemo(() => (i: number) => props.columns[i]?.id ?? i, [props.columns]),
  });
  const width = cols.getTotalSize();
  const visibleCols = cols.getVirtualItems();
  const first = visibleCols[0]?.index ?? 0;
  const last = visibleCols[visibleCols.length - 1]?.index ?? -1;
  const template = visibleCols.map((vc) => `${vc.size}px`).join(" ");
  const offset = visibleCols[0]?.start ?? 0;
  const visibleRows = rows.getVirtualItems();
  // Slots: row i always renders at position i mod slots, so a row scrolled out and the row
  // scrolled in share one DOM subtree and nothing moves in the DOM.
  // Never fewer slots than before, or every row would change slot when one fewer is visible.
  const slotCount = useRef(1);
  slotCount.current = Math.max(slotCount.current, visibleRows.length);
  const slots = slotCount.current;
  const bySlot: (typeof visibleRows)[number][] = new Array(slots);
  for (const vr of visibleRows) bySlot[vr.index % slots] = vr;
  const head = { width: `${width}px`, paddingLeft: `${offset}px`, gridTemplateColumns: template };
  return (
    <div class="grid" ref={scroller} data-testid="runs-grid">
      <div style={{ height: `${rows.getTotalSize() + HEAD}px`, width: `${width}px`, position: "relative" }}>
        <div class="row head" style={head}>
          {visibleCols.map((vc) => {
            const column = props.columns[vc.index] as GridColumn<T>;
            return (
              <div key={column.id} class="cell">
                <button
                  type="button"
                  class="link"
                  title={`Sort by ${column.id}`}
                  onClick={() => props.onHeaderClick?.(column)}
                >
                  {column.title}
                </button>
              </div>
            );
          })}
        </div>
        {bySlot.map((vr, slot) => {
          if (!vr) return null;
          const row = props.rows[vr.index] as T;
          return (
            <GridRow
              key={slot}
              row={row}
              index={vr.index}
              columns={props.columns}
              first={first}
              last={last}
              template={template}
              offset={offset}
              width={width}
              className={props.rowClass?.(row) ?? ""}
            />
          );
        })}
      </div>
    </div>
  );
}
