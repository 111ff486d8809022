import { formatTime } from './data.ts';

export interface TrendPoint {
  start: string;
  value: number | null;
  count: number;
}

/**
 * A KPI over time, one point per bucket the hub returned: buckets where nothing counted (value
 * null) break the line instead of being drawn as zero, because "no orders shipped this hour" is not
 * a cycle time of zero. The y axis starts at zero for shares and durations alike, so a small change
 * looks small.
 */
export function TrendChart(props: { points: TrendPoint[]; format: (v: number) => string; testId?: string }) {
  const width = 720;
  const height = 200;
  const left = 64;
  const right = 12;
  const top = 12;
  const bottom = 28;
  const values = props.points.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  if (props.points.length === 0 || values.length === 0) {
    return (
      <div className="empty" data-testid={props.testId}>
        Nothing counted in this window.
      </div>
    );
  }
  const max = Math.max(...values, 0) || 1;
  const min = Math.min(0, ...values);
  const n = props.points.length;
  const x = (i: number) => left + (n === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (n - 1));
  const y = (v: number) => top + (height - top - bottom) * (1 - (v - min) / (max - min));
  // Runs of consecutive buckets with a value become one polyline each.
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  props.points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push([x(i), y(p.value)]);
  });
  if (run.length) runs.push(run);
  const ticks = [min, (min + max) / 2, max];

  return (
    <svg className="trend" viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="trend" data-testid={props.testId} data-points={values.length}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} className="trend-grid" />
          <text x={left - 6} y={y(t)} textAnchor="end" dominantBaseline="middle" className="trend-axis">
            {props.format(t)}
          </text>
        </g>
      ))}
      <text x={left} y={height - 8} className="trend-axis">
        {formatTime(props.points[0]!.start)}
      </text>
      <text x={width - right} y={height - 8} textAnchor="end" className="trend-axis">
        {formatTime(props.points[n - 1]!.start)}
      </text>
      {runs.map((r, i) => (
        <polyline key={i} points={r.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')} className="trend-line" />
      ))}
      {props.points.map((p, i) =>
        p.value === null || !Number.isFinite(p.value) ? null : (
          <circle key={p.start} cx={x(i)} cy={y(p.value)} r={n > 60 ? 1.6 : 3} className="trend-dot">
            <title>{`${formatTime(p.start)}: ${props.format(p.value)} (${p.count} counted)`}</title>
          </circle>
        ),
      )}
    </svg>
  );
}
