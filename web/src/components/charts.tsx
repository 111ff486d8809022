/**
 * Small SVG charts drawn by hand: a trend line for a KPI, bars for counts by category. No chart
 * library, so the bundle stays small and the pictures render the same in every browser.
 */
export function Sparkline(props: { values: number[]; width?: number; height?: number; testId?: string }) {
  const width = props.width ?? 120;
  const height = props.height ?? 32;
  const values = props.values.filter((v) => Number.isFinite(v));
  if (values.length < 2) return <svg width={width} height={height} className="sparkline" data-testid={props.testId} />;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = width / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`).join(' ');
  return (
    <svg width={width} height={height} className="sparkline" data-testid={props.testId} role="img" aria-label="trend">
      <polyline points={points} fill="none" strokeWidth="1.5" />
    </svg>
  );
}

export interface Bar {
  label: string;
  value: number;
  tone?: 'good' | 'warn' | 'bad' | 'info' | 'muted';
}

export function BarChart(props: { bars: Bar[]; format?: (v: number) => string; testId?: string }) {
  // Scaled to the largest bar, whatever its size: KPI shares and hours are often far below 1.
  const max = Math.max(0, ...props.bars.map((b) => b.value)) || 1;
  return (
    <div className="bars" data-testid={props.testId}>
      {props.bars.map((b) => (
        <div className="bar-row" key={b.label}>
          <span className="bar-label" title={b.label}>
            {b.label}
          </span>
          <span className="bar-track">
            <span className={`bar-fill tone-${b.tone ?? 'info'}`} style={{ width: `${(b.value / max) * 100}%` }} />
          </span>
          <span className="bar-value">{props.format ? props.format(b.value) : b.value}</span>
        </div>
      ))}
    </div>
  );
}
