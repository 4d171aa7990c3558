// "Embed a model": choose local files or a hub id, run the embedding in a worker with progress and
// cancel, then show where the model lands: predicted relations, approximate placement, predicted
// benchmark scores, and the embedding file to download. Nothing here leaves the tab.
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { embeddingToJson } from '../../able/embedding-file';
import { autoBackend, type BackendInfo, detectBackend } from '../backend';
import type { ExplorerData } from '../data/explorer-data';
import { download } from '../export/download';
import { ort } from '../../platform/web/ort';
import type { InTabPredictions } from './in-tab';
import { PLACEMENT_K, SCORES_K } from './in-tab';
import { MAX_SHARED_CHARS } from '../state/shared-embedding';
import { type BackendChoice, formatBytes, MAX_WEIGHT_BYTES } from './messages';
import type { JobState, useEmbedJob } from './useEmbedJob';
import { embeddingFileName } from './useYourModels';

interface Props {
  data: ExplorerData;
  job: ReturnType<typeof useEmbedJob>;
  predictions: InTabPredictions | null;
  /** the link form of the result, or why it cannot go in a link */
  share: { chars: number; inLink: boolean } | { error: string } | null;
  onShare: (on: boolean) => void;
  onSelect: (i: number) => void;
  onClose: () => void;
  /** shown below the job: "Your models" */
  children?: ReactNode;
}

const folderOf = (files: File[]) => files.find((f) => f.webkitRelativePath)?.webkitRelativePath.split('/')[0] ?? null;
// A folder's name, else a GGUF file's name; loose safetensors files have only generic names.
const defaultName = (files: File[]) => folderOf(files) ?? files.find((f) => /\.gguf$/i.test(f.name))?.name ?? 'local-model';

const PHASE_LABEL: Record<string, string> = {
  check: 'Checking',
  download: 'Downloading',
  open: 'Reading weights',
  session: 'Building the graph',
  probe: 'Running probes',
  hash: 'Hashing weights',
};

function fmtEta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  return s < 90 ? `about ${Math.ceil(s)} s left` : `about ${Math.ceil(s / 60)} min left`;
}

export function EmbedPanel({ data, job, predictions, share, onShare, onSelect, onClose, children }: Props) {
  const [mode, setMode] = useState<'files' | 'hub'>('files');
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState('');
  const [hubRef, setHubRef] = useState('');
  const [gguf, setGguf] = useState('');
  const [endpoint, setEndpoint] = useState('https://huggingface.co');
  const [backendChoice, setBackendChoice] = useState<BackendChoice>('auto');
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const threads = ort.env.wasm.numThreads ?? 1;
  useEffect(() => {
    detectBackend(threads).then(setBackend);
  }, [threads]);

  const { state } = job;
  const running = state.status === 'running';
  const weightBytes = files.filter((f) => /\.(gguf|safetensors)$/i.test(f.name)).reduce((n, f) => n + f.size, 0);
  const tooLarge = weightBytes > MAX_WEIGHT_BYTES;
  const canStart = !running && (mode === 'files' ? files.length > 0 && !tooLarge : hubRef.trim().length > 0);

  const pick = (list: FileList | null) => {
    const fs = list ? [...list] : [];
    setFiles(fs);
    setName(defaultName(fs));
  };
  const auto = autoBackend(backend);
  // Probe cost grows with its length: the ETA weighs each probe by its words (+ the target).
  const weights = useMemo(() => Object.fromEntries(data.meta.probes.map((p) => [p.id, p.words.length + 1])), [data]);
  const start = async () => {
    const info = backend ?? (await detectBackend(threads));
    const provider = backendChoice === 'wasm' ? 'wasm' : autoBackend(info).provider;
    job.start(
      {
        source: mode === 'files' ? { kind: 'files', files, name: name.trim() || defaultName(files) } : { kind: 'hub', ref: hubRef.trim(), endpoint: endpoint.trim(), gguf: gguf.trim() || undefined },
        // the worker tries WebGPU first on 'auto'; a software adapter is ruled out here
        backend: provider === 'wasm' ? 'wasm' : 'auto',
        threads,
        atlasSpec: data.meta.spec,
        atlasSpecHash: data.meta.specHash,
        maxWeightBytes: MAX_WEIGHT_BYTES,
      },
      weights,
    );
  };

  return (
    <aside className="panel embed-panel" data-testid="embed-panel" aria-label="Embed a model">
      <div className="panel-head">
        <h2>Embed a model</h2>
        <button type="button" className="small" onClick={onClose} aria-label="Close the panel">
          ×
        </button>
      </div>
      <p className="muted">
        Computes the model's ABLE embedding in this tab and places it on the map. Your files never leave the tab; a hub id is downloaded
        straight from the endpoint below.
      </p>
      <fieldset disabled={running}>
        <legend className="sr-only">Source</legend>
        <div className="row">
          <label>
            <input type="radio" name="embed-source" checked={mode === 'files'} onChange={() => setMode('files')} data-testid="embed-mode-files" /> Local files
          </label>
          <label>
            <input type="radio" name="embed-source" checked={mode === 'hub'} onChange={() => setMode('hub')} data-testid="embed-mode-hub" /> Hugging Face hub
          </label>
        </div>
        {mode === 'files' ? (
          <div className="embed-inputs">
            <label>
              Files (a .gguf, or config.json + tokenizer.json + tokenizer_config.json + *.safetensors)
              <input type="file" multiple data-testid="embed-files" onChange={(e) => pick(e.currentTarget.files)} />
            </label>
            <label>
              or a folder
              <input type="file" data-testid="embed-folder" onChange={(e) => pick(e.currentTarget.files)} {...{ webkitdirectory: '', directory: '' }} />
            </label>
            {files.length > 0 && (
              <>
                <p className="muted" data-testid="embed-chosen">
                  {files.length} file{files.length > 1 ? 's' : ''}, weights {formatBytes(weightBytes)}
                </p>
                <label>
                  Name <input type="text" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="embed-name" />
                </label>
              </>
            )}
            {tooLarge && (
              <p className="error" role="alert">
                The weights are {formatBytes(weightBytes)}; this tab refuses models over {formatBytes(MAX_WEIGHT_BYTES)} (WebAssembly has a 4 GB heap). Use
                `able embed` in Node.
              </p>
            )}
          </div>
        ) : (
          <div className="embed-inputs">
            <label>
              Hub id <input type="text" placeholder="org/name[@revision]" value={hubRef} onChange={(e) => setHubRef(e.currentTarget.value)} data-testid="embed-hub-id" />
            </label>
            <label>
              GGUF file (optional) <input type="text" placeholder="model.Q8_0.gguf" value={gguf} onChange={(e) => setGguf(e.currentTarget.value)} />
            </label>
            <label>
              Endpoint <input type="url" value={endpoint} onChange={(e) => setEndpoint(e.currentTarget.value)} data-testid="embed-endpoint" />
            </label>
          </div>
        )}
        <label>
          Backend{' '}
          <select value={backendChoice} onChange={(e) => setBackendChoice(e.currentTarget.value as BackendChoice)} data-testid="embed-backend">
            <option value="auto">auto: {backend ? (auto.provider === 'webgpu' ? 'WebGPU' : 'WASM') : '…'}</option>
            <option value="wasm">WASM ({threads} thread{threads > 1 ? 's' : ''})</option>
          </select>
        </label>
        {backendChoice === 'auto' && backend && (
          <p className="muted" data-testid="embed-backend-note" data-provider={auto.provider}>
            auto uses {auto.provider === 'webgpu' ? 'WebGPU' : `WASM (${threads} thread${threads > 1 ? 's' : ''})`}: {auto.reason}.
          </p>
        )}
      </fieldset>
      <div className="row">
        <button type="button" onClick={start} disabled={!canStart} data-testid="embed-start">
          Embed
        </button>
        {running && (
          <button type="button" onClick={job.cancel} data-testid="embed-cancel">
            Cancel
          </button>
        )}
      </div>
      <JobStatus state={state} />
      {state.status === 'done' && (
        <Result data={data} state={state} predictions={predictions} share={share} onShare={onShare} onSelect={onSelect} onClear={job.clear} />
      )}
      {children}
    </aside>
  );
}

function JobStatus({ state }: { state: JobState }) {
  if (state.status === 'running')
    return (
      <div className="embed-progress" data-testid="embed-status" data-phase={state.phase}>
        <progress max={1} value={state.fraction ?? undefined} data-testid="embed-progress" />
        <div data-testid="embed-running-on">running on {state.provider === 'wasm' ? 'WASM' : 'WebGPU if it starts, else WASM'}</div>
        <div>
          {PHASE_LABEL[state.phase]}: {state.phase === 'probe' && state.probes ? `${state.probes.done} of ${state.probes.total} probes` : state.detail}
          {state.phase === 'download' && state.download && ` (${formatBytes(state.download.bytesDone)}${state.download.bytesTotal ? ` of ${formatBytes(state.download.bytesTotal)}` : ''})`}
        </div>
        <div className="muted">{fmtEta(state.etaS)}</div>
      </div>
    );
  if (state.status === 'error')
    return (
      <p className="error" role="alert" data-testid="embed-error">
        {state.message}
      </p>
    );
  if (state.status === 'cancelled')
    return (
      <p className="muted" data-testid="embed-cancelled">
        Cancelled.
      </p>
    );
  return null;
}

function Result({
  data,
  state,
  predictions,
  share,
  onShare,
  onSelect,
  onClear,
}: {
  data: ExplorerData;
  state: Extract<JobState, { status: 'done' }>;
  predictions: InTabPredictions | null;
  share: Props['share'];
  onShare: (on: boolean) => void;
  onSelect: (i: number) => void;
  onClear: () => void;
}) {
  const r = state.result;
  const rec = r.record;
  const json = useMemo(() => embeddingToJson(rec, { base64: true }), [rec]);
  const fileName = embeddingFileName(rec);
  return (
    <section
      data-testid="embed-result"
      data-provider={r.provider}
      data-dim={rec.dim}
      data-wall-ms={Math.round(r.wallMs)}
      data-embed-ms={Math.round(r.embedMs)}
      data-threads={r.threads}
    >
      <h3>{r.label}</h3>
      <p>
        Embedded on {r.provider === 'webgpu' ? 'WebGPU' : `WASM (${r.threads} thread${r.threads > 1 ? 's' : ''})`} in {(r.wallMs / 1000).toFixed(1)} s (probes{' '}
        {(r.embedMs / 1000).toFixed(1)} s{r.downloadMs > 0 ? `, download ${(r.downloadMs / 1000).toFixed(1)} s` : ''}); dimension {rec.dim}, spec{' '}
        {rec.specHash.slice(0, 12)}.
      </p>
      <div className="row">
        <button type="button" onClick={() => download(fileName, json, 'application/json')} data-testid="embed-download">
          Download embedding
        </button>
        <button type="button" onClick={onClear} data-testid="embed-clear">
          Remove from map
        </button>
      </div>
      <ShareControl share={share} onShare={onShare} />
      {predictions && (
        <>
          <Placement data={data} predictions={predictions} />
          <h3>Predicted relations (cosine, full space)</h3>
          <PredictedNeighbours data={data} predictions={predictions} onSelect={onSelect} />
          <h3>Predicted benchmark scores</h3>
          {predictions.scores.length === 0 ? (
            <p className="muted" data-testid="embed-scores-none">
              None of the atlas's embedded models has benchmark scores, so none can be predicted.
            </p>
          ) : (
            <table className="bench" data-testid="embed-scores">
              <tbody>
                {predictions.scores.map((s) => (
                  <tr key={s.key} data-key={s.key} data-value={s.value}>
                    <th>{s.key}</th>
                    <td className="num">{s.value.toFixed(3)}</td>
                    <td className="muted">predicted from {s.from.length} neighbour{s.from.length > 1 ? 's' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">Each score is the similarity-weighted mean over the {SCORES_K} nearest models that have that score.</p>
        </>
      )}
    </section>
  );
}

function ShareControl({ share, onShare }: { share: Props['share']; onShare: (on: boolean) => void }) {
  if (!share) return null;
  if ('error' in share)
    return (
      <p className="muted" data-testid="embed-share-note">
        This model lives only in this tab and cannot go in a link: {share.error}.
      </p>
    );
  return (
    <div data-testid="embed-share-note">
      <label className="check">
        <input type="checkbox" data-testid="embed-share" checked={share.inLink} onChange={(e) => onShare(e.currentTarget.checked)} /> Put this model in
        the link
      </label>
      <p className="muted">
        {share.inLink
          ? `The link now carries its embedding (int8, compressed): ${share.chars} characters of the ${MAX_SHARED_CHARS} a link may hold. Whoever opens it sees the model placed, with its neighbours.`
          : `Not in the link: a shared link shows the atlas without it. Adding it takes ${share.chars} characters (limit ${MAX_SHARED_CHARS}).`}
      </p>
    </div>
  );
}

export function Placement({ data, predictions }: { data: ExplorerData; predictions: InTabPredictions }) {
  const twin = predictions.anchored ? predictions.placedFrom[0] : null;
  return (
    <>
      <h3>Map position</h3>
      <p className="muted" data-testid="embed-placement" data-anchored={predictions.anchored ? 'yes' : 'no'}>
        {!predictions.xy
          ? 'No atlas model has a map position, so it is not drawn.'
          : twin
            ? `On ${data.models[twin.index].id} (cosine ${twin.cosine.toFixed(6)}): the same embedding for the map, so the same place; the outline marks it.`
            : `Approximate placement: the similarity-weighted mean of the map positions of its ${Math.min(PLACEMENT_K, predictions.placedFrom.length)} nearest neighbours, not a re-run of UMAP. The dashed line leads to its nearest atlas model.`}
      </p>
    </>
  );
}

export function PredictedNeighbours({ data, predictions, onSelect }: { data: ExplorerData; predictions: InTabPredictions; onSelect: (i: number) => void }) {
  return (
    <ol className="neighbours" data-testid="embed-neighbours">
      {predictions.neighbours.map((n) => (
        <li key={n.index} data-testid="embed-neighbour" data-id={data.models[n.index].id} data-cosine={n.cosine.toFixed(6)}>
          <button type="button" className="link" onClick={() => onSelect(n.index)} title={data.models[n.index].id}>
            {data.models[n.index].id}
          </button>
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${Math.max(0, n.cosine) * 100}%` }} />
          </span>
          <span className="num">{n.cosine.toFixed(3)}</span>
        </li>
      ))}
    </ol>
  );
}
