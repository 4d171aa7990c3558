import type { AtlasModel } from '../data/atlas-types';
import type { LineageLink } from '../data/lineage';

export function LineageList({
  index,
  models,
  links,
  onSelect,
}: {
  index: number;
  models: AtlasModel[];
  links: LineageLink[];
  onSelect: (i: number) => void;
}) {
  const parents = links.filter((l) => l.child === index);
  const children = links.filter((l) => l.parent === index);
  if (!parents.length && !children.length) return <p className="muted">No lineage recorded in the manifest.</p>;
  const item = (i: number | null, id: string, type: string, key: string) => (
    <li key={key}>
      {i === null ? <span title="not in the atlas">{id}</span> : <button type="button" className="link" onClick={() => onSelect(i)}>{id}</button>}{' '}
      <span className="tag">{type}</span>
    </li>
  );
  return (
    <div data-testid="lineage">
      {parents.length > 0 && (
        <>
          <h4>Parents</h4>
          <ul>{parents.map((l) => item(l.parent, l.parentId, l.type, `p${l.parentId}`))}</ul>
        </>
      )}
      {children.length > 0 && (
        <>
          <h4>Children</h4>
          <ul>{children.map((l) => item(l.child, models[l.child].id, l.type, `c${l.child}`))}</ul>
        </>
      )}
    </div>
  );
}
