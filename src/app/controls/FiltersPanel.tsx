import { useMemo } from 'react';
import type { AtlasModel } from '../data/atlas-types';
import { facet } from '../data/filters';
import type { SetView } from '../state/useUrlState';
import type { Filters, ViewState } from '../state/view-state';

type ListKey = 'family' | 'organisation' | 'licence';

function CheckList({ title, field, models, filters, setView }: { title: string; field: ListKey; models: AtlasModel[]; filters: Filters; setView: SetView }) {
  const chosen = filters[field];
  // a count over every model: once per atlas, not on each render of the toolbar
  const values = useMemo(() => facet(models, field), [models, field]);
  const toggle = (v: string) =>
    setView((s) => {
      const cur = s.filters[field];
      const next = cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v];
      return { ...s, filters: { ...s.filters, [field]: next } };
    });
  return (
    <fieldset className="checklist" data-testid={`filter-${field}`}>
      <legend>{title}</legend>
      {values.map(([v, n]) => (
        <label key={v}>
          <input type="checkbox" checked={chosen.includes(v)} onChange={() => toggle(v)} value={v} />
          {v} <span className="muted">{n}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function FiltersPanel({ view, setView, models }: { view: ViewState; setView: SetView; models: AtlasModel[] }) {
  const f = view.filters;
  const active = f.family.length + f.organisation.length + f.licence.length + (f.params ? 1 : 0) + (f.embedded !== 'all' ? 1 : 0);
  // Both bounds are read from the form on each change, so typing min, Tab, max keeps both.
  const setParams = (form: HTMLFormElement) => {
    const lo = (form.elements.namedItem('pmin') as HTMLInputElement).value.trim();
    const hi = (form.elements.namedItem('pmax') as HTMLInputElement).value.trim();
    const a = Number(lo);
    const b = Number(hi);
    const next: [number, number] | null =
      lo === '' && hi === '' ? null : [lo !== '' && Number.isFinite(a) ? a : 0, hi !== '' && Number.isFinite(b) ? b : 1e4];
    if (next && next[1] < next[0]) return; // wait until the range is valid
    setView((s) => (JSON.stringify(s.filters.params) === JSON.stringify(next) ? s : { ...s, filters: { ...s.filters, params: next } }));
  };
  return (
    <details className="filters" data-testid="filters">
      <summary>Filters{active ? ` (${active})` : ''}</summary>
      <div className="filters-body">
        <label>
          Embedded
          <select data-testid="filter-embedded" value={f.embedded} onChange={(e) => setView((s) => ({ ...s, filters: { ...s.filters, embedded: e.target.value as Filters['embedded'] } }))}>
            <option value="all">all</option>
            <option value="embedded">embedded</option>
            <option value="not">not yet embedded</option>
          </select>
        </label>
        <form className="params-range" onSubmit={(e) => e.preventDefault()} onChange={(e) => setParams(e.currentTarget)}>
          <fieldset>
            <legend>Parameters (B)</legend>
            <input name="pmin" aria-label="minimum parameters (B)" data-testid="filter-params-min" type="number" min={0} step="any" defaultValue={f.params?.[0] ?? ''} />
            <input name="pmax" aria-label="maximum parameters (B)" data-testid="filter-params-max" type="number" min={0} step="any" defaultValue={f.params && f.params[1] < 1e4 ? f.params[1] : ''} />
          </fieldset>
        </form>
        <CheckList title="Family" field="family" models={models} filters={f} setView={setView} />
        <CheckList title="Organisation" field="organisation" models={models} filters={f} setView={setView} />
        <CheckList title="Licence" field="licence" models={models} filters={f} setView={setView} />
        <button
          type="button"
          onClick={(e) => {
            for (const input of e.currentTarget.parentElement?.querySelectorAll<HTMLInputElement>('.params-range input') ?? []) input.value = '';
            setView((s) => ({ ...s, filters: { family: [], organisation: [], licence: [], params: null, embedded: 'all' } }));
          }}
        >
          Clear filters
        </button>
      </div>
    </details>
  );
}
