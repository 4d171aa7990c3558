// Every atlas model in a table, sortable by any column and filtered by text and by the shared
// filters. The selection is the map's: a row click selects the model, and the selected row is
// marked and scrolled into view. Sort and filter text live in the URL.
import { useEffect, useMemo, useRef } from 'react';
import type { ExplorerData } from '../data/explorer-data';
import type { SetView } from '../state/useUrlState';
import type { TableState } from '../state/view-state';
import { matchesQuery, sortRows, tableColumns } from './table';

interface Props {
  data: ExplorerData;
  visible: number[]; // models passing the shared filters
  benchmarks: string[];
  table: TableState;
  setView: SetView;
  selected: number | null;
  onSelect: (i: number) => void;
}

export function TableView({ data, visible, benchmarks, table, setView, selected, onSelect }: Props) {
  const columns = useMemo(() => tableColumns(benchmarks), [benchmarks]);
  const col = columns.find((c) => c.key === table.sort) ?? columns[0];
  const rows = useMemo(() => {
    const shown = visible.filter((i) => matchesQuery(data.models[i], table.query));
    return sortRows(data.models, shown, col, table.desc);
  }, [data, visible, table.query, col, table.desc]);
  const selectedRow = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (selected !== null) selectedRow.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const setTable = (t: Partial<TableState>) => setView((s) => ({ ...s, table: { ...s.table, ...t } }));
  return (
    <section className="map-area table-view" data-testid="table-view" aria-label="Table of the atlas models">
      <div className="table-tools">
        <label>
          Filter{' '}
          <input
            type="search"
            data-testid="table-filter"
            placeholder="id, family, organisation"
            value={table.query}
            onChange={(e) => setTable({ query: e.currentTarget.value })}
          />
        </label>
        <output data-testid="table-count" data-count={rows.length}>
          {rows.length} of {data.models.length} models
        </output>
      </div>
      <div className="table-scroll">
        <table className="models" data-testid="models-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" aria-sort={c.key === col.key ? (table.desc ? 'descending' : 'ascending') : 'none'} className={c.numeric ? 'num' : ''}>
                  <button
                    type="button"
                    data-testid={`sort-${c.key}`}
                    onClick={() => setTable(c.key === col.key ? { desc: !table.desc } : { sort: c.key, desc: c.numeric })}
                  >
                    {c.title}
                    {c.key === col.key ? (table.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => {
              const m = data.models[i];
              const isSel = i === selected;
              return (
                <tr
                  key={m.id}
                  ref={isSel ? selectedRow : undefined}
                  data-testid="table-row"
                  data-id={m.id}
                  aria-selected={isSel}
                  className={isSel ? 'selected' : ''}
                >
                  {columns.map((c) =>
                    c.key === 'id' ? (
                      <th key={c.key} scope="row">
                        <button type="button" className="link" onClick={() => onSelect(i)}>
                          {m.id}
                        </button>
                      </th>
                    ) : (
                      <td key={c.key} className={c.numeric ? 'num' : ''}>
                        {c.show ? c.show(m) : (c.value(m) ?? '–')}
                      </td>
                    ),
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
