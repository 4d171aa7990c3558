// "Your models": the embeddings kept in this browser, listed with show / export / remove, and an
// import of embedding files. An entry that cannot be read is named in an alert and skipped.
import { problemText } from '../../able/model-store';
import type { ExplorerData } from '../data/explorer-data';
import { download } from '../export/download';
import type { useYourModels } from './useYourModels';

interface Props {
  data: ExplorerData;
  yours: ReturnType<typeof useYourModels>;
  shown: string | null;
  onShow: (key: string | null) => void;
}

export function YourModels({ data, yours, shown, onShow }: Props) {
  const { state, note } = yours;
  return (
    <section className="your-models" data-testid="your-models" data-status={state.status}>
      <h3>Your models</h3>
      <p className="muted">Embeddings computed in this tab or imported are kept in this browser (IndexedDB) until you remove them.</p>
      {state.status === 'error' && (
        <p className="error" role="alert" data-testid="your-models-error">
          {state.message}
        </p>
      )}
      {state.status === 'ready' &&
        state.problems.map((p) => (
          <p key={p.key} className="error" role="alert" data-testid="your-models-problem" data-key={p.key}>
            {problemText(p)}{' '}
            <button type="button" className="small" onClick={() => void yours.remove(p.key)} data-testid="your-models-problem-remove">
              Remove it
            </button>
          </p>
        ))}
      {note && (
        <p className="error" role="alert" data-testid="your-models-note">
          {note}
        </p>
      )}
      {state.status === 'ready' && state.models.length === 0 && <p className="muted">None yet.</p>}
      {state.status === 'ready' && state.models.length > 0 && (
        <ul className="your-models-list">
          {state.models.map((m) => {
            const fits = m.record.specHash === data.meta.specHash && m.record.dim === data.dim;
            return (
              <li key={m.key} data-testid="your-model" data-key={m.key} data-label={m.label} data-spec={m.record.specHash}>
                <strong>{m.label}</strong>{' '}
                <span className="muted">
                  dimension {m.record.dim}, spec {m.record.specHash.slice(0, 12)}, kept {m.savedAt.slice(0, 10)}
                  {m.record.reaggregated && (
                    <span data-testid="your-model-reaggregated">
                      {' '}
                      (computed under spec {m.record.reaggregated.fromSpecHash.slice(0, 12)}, re-aggregated to this atlas's method v{m.record.spec.methodVersion})
                    </span>
                  )}
                </span>
                <div className="row">
                  <button
                    type="button"
                    className="small"
                    aria-pressed={shown === m.key}
                    disabled={!fits}
                    title={fits ? 'Place it on the map' : 'Computed under another spec or dimension than this atlas'}
                    onClick={() => onShow(shown === m.key ? null : m.key)}
                    data-testid="your-model-show"
                  >
                    {shown === m.key ? 'Hide' : 'Show on map'}
                  </button>
                  <button type="button" className="small" onClick={() => download(m.fileName, new Blob([m.bytes as BlobPart]))} data-testid="your-model-export">
                    Export
                  </button>
                  <button
                    type="button"
                    className="small"
                    onClick={() => {
                      if (shown === m.key) onShow(null);
                      void yours.remove(m.key);
                    }}
                    data-testid="your-model-remove"
                  >
                    Remove
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <label>
        Import embedding files (.able.json, .able.bin){' '}
        <input
          type="file"
          multiple
          accept=".json,.bin"
          data-testid="your-models-import"
          onChange={(e) => {
            const files = e.currentTarget.files ? [...e.currentTarget.files] : [];
            e.currentTarget.value = '';
            void yours.importFiles(files);
          }}
        />
      </label>
    </section>
  );
}
