// The explorer once the atlas is loaded: toolbar, the current tab, and the side panel.
// All view state comes from the URL (useUrlState); this component only derives from it.
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { embeddingToJson } from '../able/embedding-file';
import { CompareView } from './compare/CompareView';
import { FiltersPanel } from './controls/FiltersPanel';
import { SearchBox } from './controls/SearchBox';
import { ViewControls } from './controls/ViewControls';
import type { ExplorerData } from './data/explorer-data';
import type { VectorsLoad } from './data/useAtlas';
import { passesFilters } from './data/filters';
import { lineageLinks, mapEdges } from './data/lineage';
import { benchmarkKeys } from './data/model-format';
import { EmbedPanel } from './embed/EmbedPanel';
import { predictInTab } from './embed/in-tab';
import { SharedPanel } from './embed/SharedPanel';
import { type DoneEvent, useEmbedJob } from './embed/useEmbedJob';
import { embeddingFileName, useYourModels } from './embed/useYourModels';
import { YourModels } from './embed/YourModels';
import { download } from './export/download';
import { embeddingsJson, legendLayout, mapSvg, neighboursCsv, safeName } from './export/export';
import { LineageView } from './lineage/LineageView';
import { colourScale, sizeScale } from './map/colour';
import { type MapHandle, measureText } from './map/MapCanvas';
import { MapView } from './map/MapView';
import { COMPARE_RING, MARKER_FILL, NEIGHBOUR_RING, paintLegend, paintScene, ringOf } from './map/painter';
import { EDGE_STYLE, edgeStyle, type InTabMarker } from './map/scene';
import { ModelPanel } from './panel/ModelPanel';
import { ProjectionControls } from './projection/ProjectionControls';
import { useProjection } from './projection/useProjection';
import { encodeShared } from './state/shared-embedding';
import type { SetView } from './state/useUrlState';
import type { Tab, ViewState } from './state/view-state';
import { TableView } from './table/TableView';
import { useTheme } from './useTheme';
import { shareableUrl } from './state/share-url';

interface Props {
  data: ExplorerData;
  /** the embedding block: loaded after the metadata, so the map does not wait for it */
  vectorsLoad: VectorsLoad;
  view: ViewState;
  setView: SetView;
  about: ReactNode;
}

const TABS: [Tab, string][] = [
  ['map', 'Map'],
  ['table', 'Table'],
  ['lineage', 'Lineage'],
  ['compare', 'Compare'],
];

export function Explorer({ data, vectorsLoad, view, setView, about }: Props) {
  const mapRef = useRef<MapHandle>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const theme = useTheme();
  const ids = useMemo(() => data.models.map((m) => m.id), [data]);
  const selected = view.selected !== null ? (data.byId.get(view.selected) ?? null) : null;
  const compare = view.compare !== null ? (data.byId.get(view.compare) ?? null) : null;
  const unknown = [view.selected, view.compare].filter((id) => id !== null && !data.byId.has(id));

  const benchmarks = useMemo(() => benchmarkKeys(data.models), [data]);
  const links = useMemo(() => lineageLinks(data.models), [data]);
  const edges = useMemo(() => mapEdges(links), [links]);
  const vectors = vectorsLoad.status === 'ready' ? vectorsLoad.vectors : null;
  const similarity = useMemo(() => (vectors && selected !== null && data.isEmbedded(selected) ? vectors.similarityTo(selected) : null), [data, vectors, selected]);
  const neighbours = useMemo(() => (vectors && selected !== null && data.isEmbedded(selected) ? vectors.neighbours(selected, 10) : []), [data, vectors, selected]);
  const highlighted = useMemo(() => new Set(neighbours.map((n) => n.index)), [neighbours]);
  const visible = useMemo(() => data.models.flatMap((m, i) => (passesFilters(m, view.filters) ? [i] : [])), [data, view.filters]);
  const onMap = useMemo(() => visible.filter((i) => data.models[i].row !== null && data.models[i].xy), [data, visible]);
  const scale = useMemo(() => colourScale(data.models, view.colourBy, similarity, onMap), [data, view.colourBy, similarity, onMap]);
  const radius = useMemo(() => sizeScale(data.models, view.sizeBy), [data, view.sizeBy]);
  // the lineage view shows every model that passes the filters: its categories come from those
  // (only on that tab: an O(n log n) pass the map's first paint does not need)
  const lineageTab = view.tab === 'lineage';
  const lineageScale = useMemo(
    () => (lineageTab ? colourScale(data.models, view.colourBy, similarity, visible) : null),
    [lineageTab, data, view.colourBy, similarity, visible],
  );
  const cluster = useMemo(() => (view.density ? (i: number) => data.models[i].family || 'unknown' : null), [data, view.density]);
  const priority = useMemo(() => {
    // label importance: benchmark average, else size
    const pr = data.models.map((m) => m.benchmarks?.avg ?? m.paramsB ?? 0);
    return (i: number) => pr[i];
  }, [data]);
  const { xy, status: projStatus } = useProjection(data, vectors, view.projection);

  // A model embedded in this tab (in memory), or one carried by the link (view.shared).
  const job = useEmbedJob();
  const [embedOpen, setEmbedOpen] = useState(false);
  const inTab = job.state.status === 'done' ? job.state.result : null;
  // "Your models": every in-tab result is kept (IndexedDB); a kept one can be shown on the map
  const yours = useYourModels(data.meta.spec);
  const [shownKey, setShownKey] = useState<string | null>(null);
  const shownModel = (shownKey !== null && yours.state.status === 'ready' && yours.state.models.find((m) => m.key === shownKey)) || null;
  const kept = useRef<DoneEvent | null>(null);
  const { save } = yours;
  useEffect(() => {
    if (!inTab || kept.current === inTab) return;
    kept.current = inTab;
    void save(inTab.label, embeddingFileName(inTab.record), new TextEncoder().encode(embeddingToJson(inTab.record, { base64: true })));
  }, [inTab, save]);
  const sharedOk = view.shared !== null && view.shared.specHash === data.meta.specHash && view.shared.vector.length === data.dim;
  const local = useMemo(
    () =>
      inTab
        ? { vector: inTab.record.vector, label: inTab.label }
        : shownModel
          ? { vector: shownModel.record.vector, label: shownModel.label }
          : sharedOk && view.shared
            ? { vector: view.shared.vector, label: view.shared.name }
            : null,
    [inTab, shownModel, sharedOk, view.shared],
  );
  const localPred = useMemo(() => (local && vectors ? predictInTab(local.vector, data, vectors, xy) : null), [local, data, vectors, xy]);
  const marker = useMemo<InTabMarker | null>(
    () =>
      local && localPred?.xy
        ? { xy: localPred.xy, label: local.label, nearest: localPred.placedFrom[0]?.index ?? null, anchored: localPred.anchored }
        : null,
    [local, localPred],
  );
  const share = useMemo(() => {
    if (!inTab || !data.meta.specHash) return null;
    try {
      const enc = encodeShared(inTab.label, data.meta.specHash, inTab.record.vector);
      return { enc, chars: enc.code.length, inLink: view.shared?.code === enc.code };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [inTab, data, view.shared]);

  const select = (i: number | null) => setView((s) => ({ ...s, selected: i === null ? null : ids[i] }));
  const startCompare = (i: number) => setView((s) => ({ ...s, compare: ids[i], tab: 'compare' }));
  const showTab = (t: Tab) => setView((s) => ({ ...s, tab: t }));

  const copyLink = async () => {
    const url = shareableUrl(window.location.href);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(inTab && !view.shared ? 'Link copied (without the model embedded in this tab)' : 'Link copied');
    } catch {
      setCopied('Copy this link from the address bar');
    }
    setTimeout(() => setCopied(null), 2500);
  };

  // Exports draw the scene on screen, with a title and the legend.
  const exportLegend = () => {
    const scene = mapRef.current?.scene();
    if (!scene) return null;
    const marks: { text: string; colour: string; dash: number[] }[] = [];
    if (selected !== null) marks.push({ text: `selected: ${ids[selected]}`, colour: theme.ink, dash: [] });
    if (neighbours.length) marks.push({ text: `its ${neighbours.length} nearest neighbours`, colour: NEIGHBOUR_RING, dash: [2, 2] });
    if (compare !== null) marks.push({ text: `compared: ${ids[compare]}`, colour: COMPARE_RING, dash: [] });
    if (scene.marker) marks.push({ text: `${scene.marker.label} (embedded in a tab)`, colour: MARKER_FILL, dash: [4, 2] });
    const edgeRows = view.lineage ? Object.entries(EDGE_STYLE).map(([type, st]) => ({ type, ...st })) : [];
    const title = `ABLE Atlas: ${scene.points.length} models (${data.meta.spec?.attribution ?? 'ABLE'}), ${view.projection.method === 'shipped' ? 'shipped UMAP' : view.projection.method.toUpperCase()} layout`;
    return { scene, legend: legendLayout(title, scale.legend, edgeRows, marks, (t) => measureText(t, 12)) };
  };
  const exportPng = () => {
    const ex = exportLegend();
    if (!ex) return;
    const c = document.createElement('canvas');
    c.width = Math.round(ex.scene.width * 2);
    c.height = Math.round(ex.scene.height * 2);
    const ctx = c.getContext('2d')!;
    ctx.scale(2, 2);
    paintScene(ctx, ex.scene, theme);
    paintLegend(ctx, ex.legend, theme);
    c.toBlob((b) => b && download('able-atlas-map.png', b), 'image/png');
  };
  const exportSvg = () => {
    const ex = exportLegend();
    if (ex) download('able-atlas-map.svg', mapSvg(ex.scene, ex.legend, theme, (p) => ringOf(p, theme), edgeStyle, MARKER_FILL), 'image/svg+xml');
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
    if (!vectors) return;
    const chosen = [selected, compare].filter((i): i is number => i !== null && data.isEmbedded(i));
    const items = chosen.map((i) => ({ id: ids[i], vector: vectors.vector(i)! }));
    download(`embeddings-${items.map((it) => safeName(it.id)).join('+')}.json`, embeddingsJson(data.meta.specHash ?? '', data.dim, items), 'application/json');
  };

  const sharedProblem =
    view.shared && !sharedOk
      ? `The link carries an embedding of ${view.shared.name} computed under another spec or dimension than this atlas (spec ${view.shared.specHash.slice(0, 12)}, ${view.shared.vector.length} values), so it is not placed.`
      : null;

  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="View controls">
        <SearchBox items={data.models} onPick={(i) => select(i)} />
        <nav className="tabs" aria-label="Views">
          {TABS.map(([t, label]) => (
            <button key={t} type="button" data-testid={`tab-${t}`} aria-pressed={view.tab === t} onClick={() => showTab(t)}>
              {label}
            </button>
          ))}
        </nav>
        <ViewControls view={view} setView={setView} benchmarks={benchmarks} models={data.models} embedded={data.embedded} />
        <FiltersPanel view={view} setView={setView} models={data.models} />
        <ProjectionControls projection={view.projection} shipped={data.meta.layout} status={projStatus} setView={setView} />
        <div className="controls-group">
          <button type="button" data-testid="embed-open" aria-pressed={embedOpen} onClick={() => setEmbedOpen((o) => !o)}>
            {inTab ? 'In-tab model' : 'Embed a model'}
          </button>
          <button type="button" data-testid="copy-link" onClick={copyLink}>
            Copy link
          </button>
          <button type="button" data-testid="export-png" onClick={exportPng} disabled={view.tab !== 'map'} title="The map as on screen, at 2x, with title and legend">
            PNG
          </button>
          <button type="button" data-testid="export-svg" onClick={exportSvg} disabled={view.tab !== 'map'} title="The map as on screen, with title and legend">
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
      {sharedProblem && (
        <p className="notice" role="alert" data-testid="shared-problem">
          {sharedProblem}
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
            cluster={cluster}
            theme={theme}
            zoom={view.zoom}
            onZoom={(z) => setView((s) => ({ ...s, zoom: z }))}
            onSelect={select}
            onShowTable={() => showTab('table')}
            onEmbed={() => setEmbedOpen(true)}
            mapRef={mapRef}
            marker={marker}
            onMarker={() => setEmbedOpen(true)}
          />
        )}
        {view.tab === 'table' && (
          <TableView data={data} visible={visible} benchmarks={benchmarks} table={view.table} setView={setView} selected={selected} onSelect={select} />
        )}
        {view.tab === 'compare' && <CompareView data={data} vectorsLoad={vectorsLoad} a={selected} b={compare} onPickCompare={(i) => setView((s) => ({ ...s, compare: ids[i] }))} />}
        {lineageScale && (
          <LineageView data={data} links={links} visible={visible} colour={lineageScale.colour} legend={lineageScale.legend} selected={selected} onSelect={(i) => select(i)} />
        )}
        {embedOpen ? (
          <EmbedPanel
            data={data}
            job={job}
            predictions={inTab ? localPred : null}
            share={share && ('error' in share ? share : { chars: share.chars, inLink: share.inLink })}
            onShare={(on) => setView((s) => ({ ...s, shared: on && share && 'enc' in share ? (share.enc ?? null) : null }))}
            onSelect={(i) => {
              setEmbedOpen(false);
              select(i);
            }}
            onClose={() => setEmbedOpen(false)}
          >
            <YourModels data={data} yours={yours} shown={shownKey} onShow={setShownKey} />
          </EmbedPanel>
        ) : selected !== null ? (
          <ModelPanel
            data={data}
            index={selected}
            neighbours={neighbours}
            similarity={similarity}
            vectorsLoad={vectorsLoad}
            links={links}
            onSelect={select}
            onCompare={startCompare}
            onClose={() => select(null)}
            compact={view.tab !== 'map'}
            onExportCsv={exportCsv}
            onExportJson={exportJson}
          />
        ) : !inTab && !shownModel && sharedOk && view.shared && localPred ? (
          <SharedPanel
            data={data}
            shared={view.shared}
            predictions={localPred}
            onSelect={select}
            onRemove={() => setView((s) => ({ ...s, shared: null }))}
          />
        ) : (
          about
        )}
      </main>
    </>
  );
}
