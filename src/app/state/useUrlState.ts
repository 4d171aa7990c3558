import { useCallback, useEffect, useRef, useState } from 'react';
import { decodeViewState, encodeViewState, isHistoryStep, type ViewState } from './view-state';

export type SetView = (update: (s: ViewState) => ViewState) => void;

/**
 * The view state lives in the URL: selections push a history entry (so back/forward step through
 * them), everything else (pan, zoom, colour, filters) replaces the current one.
 */
export function useUrlState(): { view: ViewState; setView: SetView; problems: string[] } {
  const [decoded] = useState(() => decodeViewState(new URLSearchParams(window.location.search)));
  const [view, setViewRaw] = useState<ViewState>(decoded.state);
  const [problems, setProblems] = useState<string[]>(decoded.problems);
  const current = useRef(view);

  const setView = useCallback<SetView>((update) => {
    const prev = current.current;
    const next = update(prev);
    if (next === prev) return;
    current.current = next;
    setViewRaw(next);
    const params = encodeViewState(next, new URLSearchParams(window.location.search));
    const url = `${window.location.pathname}?${params.toString()}${window.location.hash}`;
    if (isHistoryStep(prev, next)) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }, []);

  useEffect(() => {
    const onPop = () => {
      const d = decodeViewState(new URLSearchParams(window.location.search));
      current.current = d.state;
      setViewRaw(d.state);
      setProblems(d.problems);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  return { view, setView, problems };
}
