// A one-line progress bar with ETA on stderr; on a non-terminal (CI logs) a line every 10 %.
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const t0 = Date.now();
  let lastDecile = -1;
  const fmt = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`);
  return {
    update(done: number, total: number, note = '') {
      const elapsed = (Date.now() - t0) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
      const width = 30;
      const fill = Math.round((done / total) * width);
      const line = `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${fmt(elapsed)} elapsed, ETA ${Number.isFinite(eta) ? fmt(eta) : '?'} ${note}`;
      if (stream.isTTY) stream.write(`\r${line.padEnd(stream.columns ? stream.columns - 1 : 100)}`);
      else {
        const decile = Math.floor((10 * done) / total);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${line}\n`);
        }
      }
    },
    end() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
