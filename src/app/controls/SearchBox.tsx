// Search over hub ids with suggestions (combobox pattern: arrows move, Enter picks, Escape closes).
import { useId, useMemo, useState } from 'react';

export function rankMatches(ids: string[], query: string, max = 8): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const scored: [number, number][] = [];
  ids.forEach((id, i) => {
    const s = id.toLowerCase();
    const at = s.indexOf(q);
    if (at < 0) return;
    // exact id, then prefix of the name part, then anywhere; shorter ids first
    const name = s.includes('/') ? s.slice(s.indexOf('/') + 1) : s;
    const score = (s === q ? 0 : name.startsWith(q) || at === 0 ? 1 : 2) * 1000 + s.length;
    scored.push([score, i]);
  });
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return scored.slice(0, max).map(([, i]) => i);
}

export function SearchBox({ ids, onPick, label = 'Search models' }: { ids: string[]; onPick: (i: number) => void; label?: string }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const list = useId();
  const matches = useMemo(() => rankMatches(ids, q), [ids, q]);
  const pick = (i: number) => {
    onPick(i);
    setQ('');
    setOpen(false);
  };
  return (
    <div className="search">
      <input
        type="search"
        data-testid="search"
        placeholder="Search hub id…"
        aria-label={label}
        role="combobox"
        aria-expanded={open && matches.length > 0}
        aria-controls={list}
        aria-activedescendant={open && matches.length ? `${list}-${active}` : undefined}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
          setActive(0);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && matches.length) pick(matches[active]);
          else if (e.key === 'Escape') setOpen(false);
          else return;
          e.preventDefault();
        }}
      />
      {open && matches.length > 0 && (
        <div className="suggestions" id={list} role="listbox" data-testid="search-suggestions">
          {matches.map((i, k) => (
            <div
              key={ids[i]}
              tabIndex={-1}
              id={`${list}-${k}`}
              role="option"
              aria-selected={k === active}
              className={k === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(i);
              }}
            >
              {ids[i]}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
