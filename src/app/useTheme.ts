// The map's colours follow the system's light or dark preference (the CSS does the same).
import { useEffect, useState } from 'react';
import { DARK, LIGHT, type Theme } from './map/painter';

const query = () => window.matchMedia?.('(prefers-color-scheme: dark)');

export function useTheme(): Theme {
  const [dark, setDark] = useState(() => query()?.matches ?? false);
  useEffect(() => {
    const q = query();
    if (!q) return;
    const on = () => setDark(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return dark ? DARK : LIGHT;
}
