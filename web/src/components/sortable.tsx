import { type ReactNode, useMemo, useState } from "react";

export interface Column<T> {
  key: string;
  title: string;
  /** The value sorted by; absent = not sortable. */
  sort?: (row: T) => string | number;
  cell: (row: T) => ReactNode;
  className?: string;
}

/** A table sorted by clicking a column's title (again: the other way). */
export function SortableTable<T>({
  columns,
  rows,
  rowKey,
  initialSort,
  empty,
  label,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  initialSort: string;
  empty: string;
  label: string;
}) {
  const [sortKey, setSortKey] = useState(initialSort);
  const [desc, setDesc] = useState(false);
  const sorted = useMemo(() => {
    const by = columns.find((c) => c.key === sortKey)?.sort;
    if (!by) return rows;
    const out = [...rows].sort((a, b) => {
      const x = by(a);
      const y = by(b);
      return typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x).localeCompare(String(y), undefined, { numeric: true });
    });
    return desc ? out.reverse() : out;
  }, [rows, columns, sortKey, desc]);
  const click = (key: string) => {
    if (key === sortKey) setDesc(!desc);
    else {
      setSortKey(key);
      setDesc(false);
    }
  };
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                className={c.className}
                aria-sort={c.key === sortKey ? (desc ? "descending" : "ascending") : undefined}
              >
                {c.sort ? (
                  <button type="button" className="sort" onClick={() => click(c.key)}>
                    {c.title}
                    {c.key === sortKey ? (desc ? " ▾" : " ▴") : ""}
                  </button>
                ) : (
                  c.title
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} className={c.className} data-label={c.title}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
          {sorted.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
