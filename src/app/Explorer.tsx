// The explorer once the atlas is loaded: toolbar, the current tab, and the side panel.
// All view state comes from the URL (useUrlState); this component only derives from it.
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { CompareView } from './compare/CompareView';
import { FiltersPanel } from './controls/FiltersPanel';
import { SearchBox } from './controls/SearchBox';
import { ViewControls } from './controls/ViewControls';
import type { ExplorerData } from './data/explorer-data';
import { passesFilters } from './data/filters';
import { EmbedPanel } from './embed/EmbedPanel';
import { predictInTab } from './embed/in-tab';
import { useEmbedJob } from './embed/useEmbedJob';
import { lineageLinks, mapEdges } from './data/lineage';
import { benchmarkKeys } from './data/model-format';
import { download } from './export/download';
import { embeddingsJson, mapSvg, neighboursCsv, safeName } from './export/export';
import { colourScale, sizeScale } from './map/colour';
import type { MapHandle } from './map/MapCanvas';
import { MapView } from './map/MapView';
import { LineageView } from './lineage/LineageView';
import { ModelPanel } from './panel/ModelPanel';
import { ProjectionControls } from './projection/ProjectionControls';
import { useProjection } from './projection/useProjection';
import type { SetView } from './state/useUrlState';
import type { Tab, ViewState } from './state/view-state';
import { shareableUrl } from './state/share-url';

interface Props {
  data: ExplorerData;
  view: ViewState;
  setView: SetView;
  about: ReactNode;
}

const TABS: [Tab, string][] = [
  ['map', 'Map'],
  ['lineage', 'Lineage'],
  ['compare', 'Compare'],
];

export function Explorer({ data, view, setView, about }: Props) {
  const mapRef = useRef<MapHandle>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const ids = useMemo(() => data.models.map((m) => m.id), [data]);
  const selected = view.selected !== null ? (data.byId.get(view.selected) ?? null) : null;
  const compare = view.compare !== null ? (data.byId.get(view.compare) ?? null) : null;
  const unknown = [view.selected, view.compare].filter((id) => id !== null && !data.byId.has(id));

  const benchmarks = useMemo(() => benchmarkKeys(data.models), [data]);
  const links = useMemo(() => lineageLinks(data.models), [data]);
  const edges = useMemo(() => mapEdges(links), [links]);
  const similarity = useMemo(() => (selected !== null && data.isEmbedded(selected) ? data.similarityTo(selected) : null), [data, selected]);
  const neighbours = useMemo(() => (selected !== null && data.isEmbedded(selected) ? data.neighbours(selected, 10) : []), [data, selected]);
  const highlighted = useMemo(() => new Set(neighbours.map((n) => n.index)), [neighbours]);
  const visible = useMemo(() => data.models.flatMap((m, i) => (passesFilters(m, view.filters) ? [i] : [])), [data, view.filters]);
  const onMap = useMemo(() => visible.filter((i) => data.models[i].row !== null && data.models[i].xy), [data, visible]);
  const scale = useMemo(() => colourScale(data.models, view.colourBy, similarity, onMap), [data, view.colourBy, similarity, onMap]);
  const radius = useMemo(() => sizeScale(data.models, view.sizeBy), [data, view.sizeBy]);
  const priority = useMemo(() => {
    // label importance: benchmark average, else size
    const pr = data.models.map((m) => m.benchmarks?.avg ?? m.paramsB ?? 0);
    return (i: number) => pr[i];
  }, [data]);
  const { xy, status: projStatus } = useProjection(data, view.projection);
  // A model embedded in this tab: in memory only, never in the URL.
  const job = useEmbedJob();
  const [embedOpen, setEmbedOpen] = useState(false);
  const inTab = job.state.status === 'done' ? job.state.result : null;
  const inTabPred = useMemo(() => (inTab ? predictInTab(inTab.record.vector, data, xy) : null), [inTab, data, xy]);
  const marker = useMemo(() => (inTab && inTabPred?.xy ? { xy: inTabPred.xy, label: inTab.label } : null), [inTab, inTabPred]);

  const select = (i: number | null) => setView((s) => ({ ...s, selected: i === null ? null : ids[i] }));
  const startCompare = (i: number) => setView((s) => ({ ...s, compare: ids[i], tab: 'compare' }));

  const copyLink = async () => {
    const url = shareableUrl(window.location.href);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(inTab ? 'Link copied (without the model embedded in this tab)' : 'Link copied');
    } catch {
      setCopied('Copy this link from the address bar');
    }
    setTimeout(() => setCopied(null), 2500);
  };
  const exportPng = () => {
    const snap = mapRef.current?.snapshot();
    snap?.canvas.toBlob((b) => b && download('able-atlas-map.png', b), 'image/png');
  };
  const exportSvg = () => {
    const snap = mapRef.current?.snapshot();
    if (snap) download('able-atlas-map.svg', mapSvg(snap.width, snap.height, snap.points, snap.labels, snap.edges), 'image/svg+xml');
  };
  const exportCsv = () => {
    if (selected === null) return;
    const rows = neighbours.map((n, k) => {
      const m = data.models[n.index];
      return { rank: k + 1, id: m.id, cosine: n.cosine, family: m.family, organisation: m.organisation, paramsB: m.paramsB };
    });
    download(`neighbours-${safeName(ids[selected])}.csv`, neighboursCsv(ids[selected], rows), 'text/csv');
  };
  const exportJson = () => {
    const chosen = [selected, compare].filter((i): i is number => i !== null && data.isEmbedded(i));
    const items = chosen.map((i) => ({ id: ids[i], vector: data.vector(i)! }));
    download(`embeddings-${items.map((it) => safeName(it.id)).join('+')}.json`, embeddingsJson(data.meta.specHash ?? '', data.dim, items), 'application/json');
  };

  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="View controls">
        <SearchBox ids={ids} onPick={(i) => select(i)} />
        <nav className="tabs" aria-label="Views">
          {TABS.map(([t, label]) => (
            <button key={t} type="button" data-testid={`tab-${t}`} aria-pressed={view.tab === t} onClick={() => setView((s) => ({ ...s, tab: t }))}>
              {label}
            </button>
          ))}
        </nav>
        <ViewControls view={view} setView={setView} benchmarks={benchmarks} />
        <FiltersPanel view={view} setView={setView} models={data.models} />
        <ProjectionControls key={JSON.stringify(view.projection)} projection={view.projection} status={projStatus} setView={setView} />
        <div className="controls-group">
          <button type="button" data-testid="embed-open" aria-pressed={embedOpen} onClick={() => setEmbedOpen((o) => !o)}>
            {inTab ? 'In-tab model' : 'Embed a model'}
          </button>
          <button type="button" data-testid="copy-link" onClick={copyLink}>
            Copy link
          </button>
          <button type="button" data-testid="export-png" onClick={exportPng} disabled={view.tab !== 'map'}>
            PNG
          </button>
          <button type="button" data-testid="export-svg" onClick={exportSvg} disabled={view.tab !== 'map'}>
            SVG
          </button>
          {copied && (
            <output className="muted" data-testid="copy-status">
              {copied}
            </output>
          )}
        </div>
      </div>
      {unknown.length > 0 && (
        <p className="notice" role="alert" data-testid="unknown-model">
          Not in this atlas: {unknown.join(', ')}
        </p>
      )}
      <main className="main">
        {view.tab === 'map' && (
          <MapView
            data={data}
            xy={xy}
            visible={visible}
            colour={scale.colour}
            radius={radius}
            priority={priority}
            legend={scale.legend}
            selected={selected}
            compare={compare}
            highlighted={highlighted}
            edges={edges}
            showEdges={view.lineage}
            zoom={view.zoom}
            onZoom={(z) => setView((s) => ({ ...s, zoom: z }))}
            onSelect={select}
            mapRef={mapRef}
            marker={marker}
            onMarker={() => setEmbedOpen(true)}
          />
        )}
        {view.tab === 'compare' && <CompareView data={data} a={selected} b={compare} onPickCompare={(i) => setView((s) => ({ ...s, compare: ids[i] }))} />}
        {view.tab === 'lineage' && (
          <LineageView data={data} links={links} visible={visible} benchmark={view.colourBy} selected={selected} onSelect={(i) => select(i)} />
        )}
        {embedOpen ? (
          <EmbedPanel
            data={data}
            job={job}
            predictions={inTabPred}
            onSelect={(i) => {
              setEmbedOpen(false);
              select(i);
            }}
            onClose={() => setEmbedOpen(false)}
          />
        ) : selected !== null ? (
          <ModelPanel
            data={data}
            index={selected}
            neighbours={neighbours}
            similarity={similarity}
            links={links}
            onSelect={select}
            onCompare={startCompare}
            onClose={() => select(null)}
            onExportCsv={exportCsv}
            onExportJson={exportJson}
          />
        ) : (
          about
        )}
      </main>
    </>
  );
}
