// Histogram of the selected model's cosine to every other embedded model.
import { bin, max, scaleLinear } from 'd3';

export function SimilarityHistogram({ values }: { values: number[] }) {
  const W = 260;
  const H = 70;
  if (!values.length) return <p className="muted">No other embedded model.</p>;
  const lo = Math.min(-0.0001, ...values);
  const bins = bin().domain([lo, 1]).thresholds(20)(values);
  const x = scaleLinear().domain([lo, 1]).range([0, W]);
  const y = scaleLinear()
    .domain([0, max(bins, (b) => b.length) ?? 1])
    .range([H, 0]);
  return (
    <figure className="histogram" data-testid="similarity-histogram">
      <svg width={W} height={H + 14} role="img" aria-label={`Cosine to ${values.length} other models`}>
        {bins.map((b) => (
          <rect key={b.x0} x={x(b.x0!)} y={y(b.length)} width={Math.max(0, x(b.x1!) - x(b.x0!) - 1)} height={H - y(b.length)} fill="#0072B2" />
        ))}
        <text x={0} y={H + 12} fontSize="10" fill="currentColor">
          {lo.toFixed(2)}
        </text>
        <text x={W} y={H + 12} fontSize="10" textAnchor="end" fill="currentColor">
          1.00
        </text>
      </svg>
      <figcaption className="muted">cosine to the {values.length} other embedded models</figcaption>
    </figure>
  );
}
