import type { AtlasModel } from '../data/atlas-types';
import { facet } from '../data/filters';
import type { SetView } from '../state/useUrlState';
import type { Filters, ViewState } from '../state/view-state';

type ListKey = 'family' | 'organisation' | 'licence';

function CheckList({ title, field, models, filters, setView }: { title: string; field: ListKey; models: AtlasModel[]; filters: Filters; setView: SetView }) {
  const chosen = filters[field];
  const toggle = (v: string) =>
    setView((s) => {
      const cur = s.filters[field];
      const next = cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v];
      return { ...s, filters: { ...s.filters, [field]: next } };
    });
  return (
    <fieldset className="checklist" data-testid={`filter-${field}`}>
      <legend>{title}</legend>
      {facet(models, field).map(([v, n]) => (
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
  const setParams = (lo: string, hi: string) => {
    const a = Number(lo);
    const b = Number(hi);
    setView((s) => ({
      ...s,
      filters: { ...s.filters, params: lo === '' && hi === '' ? null : [Number.isFinite(a) ? a : 0, hi === '' || !Number.isFinite(b) ? 1e4 : b] },
    }));
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
        <fieldset key={String(f.params)}>
          <legend>Parameters (B)</legend>
          <input aria-label="minimum parameters (B)" data-testid="filter-params-min" type="number" min={0} step="any" defaultValue={f.params?.[0] ?? ''} onBlur={(e) => setParams(e.target.value, (e.target.nextElementSibling as HTMLInputElement).value)} />
          <input aria-label="maximum parameters (B)" data-testid="filter-params-max" type="number" min={0} step="any" defaultValue={f.params?.[1] ?? ''} onBlur={(e) => setParams((e.target.previousElementSibling as HTMLInputElement).value, e.target.value)} />
        </fieldset>
        <CheckList title="Family" field="family" models={models} filters={f} setView={setView} />
        <CheckList title="Organisation" field="organisation" models={models} filters={f} setView={setView} />
        <CheckList title="Licence" field="licence" models={models} filters={f} setView={setView} />
        <button type="button" onClick={() => setView((s) => ({ ...s, filters: { family: [], organisation: [], licence: [], params: null, embedded: 'all' } }))}>
          Clear filters
        </button>
      </div>
    </details>
  );
}
