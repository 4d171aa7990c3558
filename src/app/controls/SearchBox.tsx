// Search over the atlas models with suggestions (combobox pattern: arrows move, Enter picks, Escape
// closes). Every whitespace-separated token must occur in the id, the family or the organisation.
import { useId, useMemo, useState } from 'react';

export interface Searchable {
  id: string;
  family: string;
  organisation: string;
}

export function rankMatches(items: Searchable[], query: string, max = 8): number[] {
  const tokens = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!tokens.length) return [];
  const scored: [number, number][] = [];
  items.forEach((m, i) => {
    const id = m.id.toLowerCase();
    const name = id.includes('/') ? id.slice(id.indexOf('/') + 1) : id;
    const rest = `${m.family} ${m.organisation}`.toLowerCase();
    let score = 0;
    for (const t of tokens) {
      // exact id, then the start of the name, then anywhere in the id, then family/organisation
      if (id === t) continue;
      if (name.startsWith(t) || id.startsWith(t)) score += 1;
      else if (id.includes(t)) score += 2;
      else if (rest.includes(t)) score += 3;
      else return;
    }
    scored.push([score * 1000 + id.length, i]);
  });
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return scored.slice(0, max).map(([, i]) => i);
}

export function SearchBox({ items, onPick, label = 'Search models' }: { items: Searchable[]; onPick: (i: number) => void; label?: string }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const list = useId();
  const matches = useMemo(() => rankMatches(items, q), [items, q]);
  const ids = items.map((m) => m.id);
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
        placeholder="Search id, family, organisation…"
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
      {open && q.trim() !== '' && matches.length === 0 && (
        <div className="suggestions" role="status" data-testid="search-no-match">
          No match for “{q.trim()}” in id, family or organisation
        </div>
      )}
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
