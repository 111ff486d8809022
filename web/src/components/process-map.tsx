import { formatDuration } from './data.ts';
import type { ProcessActivity, ProcessEdge, ProcessMap, ProcessVariant } from '../types-process.ts';

/**
 * The directly-follows graph of a process map, drawn as SVG: activities as boxes in rows (layers)
 * by where they typically happen in a trace, edges as curves whose thickness follows how often one
 * activity directly followed the other, labelled with the count and the median / p90 wait. The
 * bottleneck edges the hub ranked first are drawn in red, so the eye goes where time is lost.
 */

const BOX_W = 178;
const BOX_H = 42;
const GAP_X = 44;
const GAP_Y = 92;
const MARGIN_X = 40;
/** Room right of the outermost lane for its edges' labels. */
const LABEL_ROOM = 170;
/** Lane edges carry only their count, so their labels need little room. */
const LANE_LABEL_ROOM = 44;
const LANE_STEP = 16;
const MARGIN_Y = 24;

interface Placed {
  activity: ProcessActivity;
  layer: number;
  x: number;
  y: number;
}

export function hoursText(hours: number): string {
  return formatDuration(hours * 3_600_000);
}

/**
 * Where each activity typically happens: its mean index in the variants, weighted by how many
 * objects followed each variant. Activities no listed variant contains (rare paths) go one step
 * after the furthest activity that leads to them, so they still sit below their predecessors.
 */
export function typicalPositions(activities: ProcessActivity[], edges: ProcessEdge[], variants: ProcessVariant[]): Map<string, number> {
  const sums = new Map<string, { weighted: number; weight: number }>();
  for (const v of variants) {
    v.activities.forEach((name, index) => {
      const s = sums.get(name) ?? { weighted: 0, weight: 0 };
      s.weighted += index * v.count;
      s.weight += v.count;
      sums.set(name, s);
    });
  }
  const position = new Map<string, number>();
  for (const [name, s] of sums) if (s.weight > 0) position.set(name, s.weighted / s.weight);
  for (const a of activities) if (!position.has(a.name) && a.starts > 0 && a.starts >= a.count / 2) position.set(a.name, 0);
  // Propagate along edges for the rest; a bounded number of passes keeps cycles from looping.
  for (let pass = 0; pass < activities.length; pass++) {
    let changed = false;
    for (const a of activities) {
      if (position.has(a.name)) continue;
      const before = edges.filter((e) => e.to === a.name && e.from !== a.name && position.has(e.from)).map((e) => position.get(e.from)!);
      if (before.length > 0) {
        position.set(a.name, Math.max(...before) + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const last = Math.max(0, ...position.values());
  for (const a of activities) if (!position.has(a.name)) position.set(a.name, last + 1);
  return position;
}

export function layout(map: ProcessMap): { nodes: Map<string, Placed>; width: number; height: number } {
  const position = typicalPositions(map.activities, map.edges, map.variants);
  const rounded = [...new Set(map.activities.map((a) => Math.round(position.get(a.name)!)))].sort((a, b) => a - b);
  const layerOf = (name: string) => rounded.indexOf(Math.round(position.get(name)!));
  const layers: ProcessActivity[][] = rounded.map(() => []);
  for (const a of map.activities) layers[layerOf(a.name)]!.push(a);
  // Within a row, by typical position then by frequency, so the main path reads left to right.
  for (const row of layers) row.sort((a, b) => position.get(a.name)! - position.get(b.name)! || b.count - a.count);
  const widest = Math.max(1, ...layers.map((row) => row.length));
  const innerWidth = widest * BOX_W + (widest - 1) * GAP_X;
  const width = Math.max(640, innerWidth + 2 * MARGIN_X);
  const nodes = new Map<string, Placed>();
  layers.forEach((row, layer) => {
    const rowWidth = row.length * BOX_W + (row.length - 1) * GAP_X;
    const left = MARGIN_X + (width - 2 * MARGIN_X - rowWidth) / 2;
    row.forEach((activity, i) => nodes.set(activity.name, { activity, layer, x: left + i * (BOX_W + GAP_X), y: MARGIN_Y + layer * (BOX_H + GAP_Y) }));
  });
  const height = MARGIN_Y * 2 + layers.length * BOX_H + Math.max(0, layers.length - 1) * GAP_Y;
  return { nodes, width, height };
}

interface Drawn {
  edge: ProcessEdge;
  d: string;
  labelX: number;
  labelY: number;
  back: boolean;
  /** The label sits to the right of the edge rather than on it. */
  beside?: boolean;
  /** Routed along a lane: labelled with its count only (the rest is in the tooltip), to keep the lanes legible. */
  lane?: boolean;
}

function bezierMid(p0: number, p1: number, p2: number, p3: number): number {
  return (p0 + 3 * p1 + 3 * p2 + p3) / 8;
}

/**
 * Edges between neighbouring rows are smooth curves from the bottom of one box to the top of the
 * next. Edges that skip rows or run back up (rework, loops) would cut through the boxes between, so
 * they take a lane to the right of the boxes they pass: down (or up) the lane, and across in the gap
 * next to their own boxes. Returns the paths and the width the lanes and their labels need.
 */
function route(edges: ProcessEdge[], nodes: Map<string, Placed>, contentWidth: number): { drawn: Drawn[]; width: number } {
  // Spread the edges leaving (and entering) one box along its edge so parallel curves stay apart.
  const forward = edges.filter((e) => e.from !== e.to && nodes.get(e.to)!.layer > nodes.get(e.from)!.layer);
  const outPorts = new Map<string, ProcessEdge[]>();
  const inPorts = new Map<string, ProcessEdge[]>();
  for (const e of forward) {
    outPorts.set(e.from, [...(outPorts.get(e.from) ?? []), e]);
    inPorts.set(e.to, [...(inPorts.get(e.to) ?? []), e]);
  }
  for (const list of outPorts.values()) list.sort((a, b) => nodes.get(a.to)!.x - nodes.get(b.to)!.x);
  for (const list of inPorts.values()) list.sort((a, b) => nodes.get(a.from)!.x - nodes.get(b.from)!.x);
  const port = (list: ProcessEdge[], e: ProcessEdge, x: number) => x + (BOX_W * (list.indexOf(e) + 1)) / (list.length + 1);
  const rightOfLayers = (lo: number, hi: number) =>
    Math.max(0, ...[...nodes.values()].filter((n) => n.layer >= lo && n.layer <= hi).map((n) => n.x + BOX_W));

  let lanes = 0;
  let widest = contentWidth;
  const drawn = edges.map((edge): Drawn => {
    const a = nodes.get(edge.from)!;
    const b = nodes.get(edge.to)!;
    if (edge.from === edge.to) {
      const x = a.x + BOX_W;
      const y = a.y + BOX_H / 2;
      const d = `M ${x} ${y - 10} C ${x + 46} ${y - 34}, ${x + 46} ${y + 34}, ${x} ${y + 10}`;
      widest = Math.max(widest, x + 44 + LABEL_ROOM);
      return { edge, d, labelX: x + 44, labelY: y, back: true, beside: true };
    }
    if (b.layer === a.layer + 1) {
      const x1 = port(outPorts.get(edge.from)!, edge, a.x);
      const y1 = a.y + BOX_H;
      const x2 = port(inPorts.get(edge.to)!, edge, b.x);
      const y2 = b.y;
      const dy = (y2 - y1) / 2;
      const d = `M ${x1} ${y1} C ${x1} ${y1 + dy}, ${x2} ${y2 - dy}, ${x2} ${y2}`;
      // A straight drop would run through its own label; put the label beside the line instead.
      const straight = Math.abs(x2 - x1) < 24;
      return { edge, d, labelX: bezierMid(x1, x1, x2, x2) + (straight ? 10 : 0), labelY: bezierMid(y1, y1 + dy, y2 - dy, y2), back: false, beside: straight };
    }
    if (b.layer === a.layer) {
      // Sideways within a row: down into the gap below, across, and up into the other box.
      const x1 = a.x + BOX_W * (b.x > a.x ? 0.85 : 0.15);
      const x2 = b.x + BOX_W * (b.x > a.x ? 0.15 : 0.85);
      const y = a.y + BOX_H;
      const yGap = y + 16;
      const d = `M ${x1} ${y} L ${x1} ${yGap} L ${x2} ${yGap} L ${x2} ${y}`;
      return { edge, d, labelX: (x1 + x2) / 2, labelY: yGap + 9, back: true };
    }
    const lane = rightOfLayers(Math.min(a.layer, b.layer), Math.max(a.layer, b.layer)) + 26 + lanes * LANE_STEP;
    const jog = 12 + (lanes % 3) * 5;
    lanes++;
    widest = Math.max(widest, lane + LANE_LABEL_ROOM);
    if (b.layer > a.layer) {
      // Skips rows: leave at the bottom, across to the lane, down, across above the target, in at the top.
      const x1 = port(outPorts.get(edge.from)!, edge, a.x);
      const x2 = port(inPorts.get(edge.to)!, edge, b.x);
      const y1 = a.y + BOX_H;
      const y2 = b.y;
      const d = `M ${x1} ${y1} L ${x1} ${y1 + jog} L ${lane} ${y1 + jog} L ${lane} ${y2 - jog} L ${x2} ${y2 - jog} L ${x2} ${y2}`;
      return { edge, d, labelX: lane + 4, labelY: y1 + jog + 12, back: false, beside: true, lane: true };
    }
    // Runs back up: leave at the top, up the lane, in at the bottom of the earlier activity.
    const x1 = a.x + BOX_W - 14;
    const x2 = b.x + BOX_W - 14;
    const y1 = a.y;
    const y2 = b.y + BOX_H;
    const d = `M ${x1} ${y1} L ${x1} ${y1 - jog} L ${lane} ${y1 - jog} L ${lane} ${y2 + jog} L ${x2} ${y2 + jog} L ${x2} ${y2}`;
    return { edge, d, labelX: lane + 4, labelY: y1 - jog - 12, back: true, beside: true, lane: true };
  });
  return { drawn, width: widest };
}

const edgeKey = (e: { from: string; to: string }) => `${e.from}→${e.to}`;

export function ProcessMapGraph(props: {
  map: ProcessMap;
  bottlenecks: number;
  /** Edges less frequent than this are left out of the drawing (rare paths make a map unreadable). */
  minEdgeCount?: number;
  highlight?: string | null;
  onSelectEdge?: (key: string | null) => void;
}) {
  const { map } = props;
  const visible = map.edges.filter((e) => e.count >= (props.minEdgeCount ?? 0) || edgeKey(e) === props.highlight);
  if (map.activities.length === 0) return <div className="empty">No {map.objectType.replaceAll('_', ' ')} events in this window.</div>;
  const placed = layout(map);
  const { nodes, height } = placed;
  const { drawn, width } = route(visible, nodes, placed.width);
  const maxEdge = Math.max(1, ...map.edges.map((e) => e.count));
  const hidden = map.edges.length - visible.length;
  const maxNode = Math.max(1, ...map.activities.map((a) => a.count));
  const flagged = new Set(
    map.bottlenecks
      .filter((b) => b.p90WaitHours > 0 || b.totalWaitHours > 0)
      .slice(0, props.bottlenecks)
      .map(edgeKey),
  );
  // The most frequent edges are drawn last so they sit on top of the rare ones.
  const order = [...drawn].sort((a, b) => a.edge.count - b.edge.count);

  return (
    <div className="process-map-wrap">
      <svg
        className="process-map"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Process map of ${map.objectType}`}
        data-testid="process-map"
      >
        <defs>
          <marker id="pm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="pm-arrow" />
          </marker>
          <marker id="pm-arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="pm-arrow hot" />
          </marker>
        </defs>
        <g className="pm-edges">
          {order.map((r) => {
            const key = edgeKey(r.edge);
            const hot = flagged.has(key);
            const selected = props.highlight === key;
            const strokeWidth = 1.2 + 7 * (r.edge.count / maxEdge);
            return (
              <g
                key={key}
                className={`pm-edge${hot ? ' hot' : ''}${r.back ? ' back' : ''}${selected ? ' selected' : ''}`}
                data-testid="process-edge"
                data-from={r.edge.from}
                data-to={r.edge.to}
                data-count={r.edge.count}
                onClick={() => props.onSelectEdge?.(selected ? null : key)}
              >
                <title>
                  {`${r.edge.from} → ${r.edge.to}\n${r.edge.count} times\nmedian wait ${hoursText(r.edge.medianWaitHours)}, p90 ${hoursText(r.edge.p90WaitHours)}, mean ${hoursText(r.edge.meanWaitHours)}\ntotal ${hoursText(r.edge.totalWaitHours)}`}
                </title>
                <path d={r.d} strokeWidth={strokeWidth} markerEnd={`url(#${hot ? 'pm-arrow-hot' : 'pm-arrow'})`} />
                <text x={r.labelX} y={r.labelY} className="pm-edge-label" textAnchor={r.beside ? 'start' : 'middle'} dominantBaseline="middle">
                  {r.lane ? `${r.edge.count}×` : `${r.edge.count}× · ${hoursText(r.edge.medianWaitHours)} / ${hoursText(r.edge.p90WaitHours)}`}
                </text>
              </g>
            );
          })}
        </g>
        <g className="pm-nodes">
          {[...nodes.values()].map((n) => {
            const share = n.activity.count / maxNode;
            return (
              <g key={n.activity.name} className="pm-node" transform={`translate(${n.x},${n.y})`} data-testid="process-node" data-activity={n.activity.name} data-count={n.activity.count}>
                <title>{`${n.activity.name}\n${n.activity.count} events · starts ${n.activity.starts} · ends ${n.activity.ends}`}</title>
                <rect width={BOX_W} height={BOX_H} rx={7} style={{ fillOpacity: 0.14 + 0.5 * share }} />
                {n.activity.starts > 0 && <rect className="pm-start" width={5} height={BOX_H} rx={2} />}
                {n.activity.ends > 0 && <rect className="pm-end" x={BOX_W - 5} width={5} height={BOX_H} rx={2} />}
                <text x={BOX_W / 2} y={17} textAnchor="middle" className="pm-node-name">
                  {n.activity.name.length > 24 ? `${n.activity.name.slice(0, 23)}…` : n.activity.name}
                </text>
                <text x={BOX_W / 2} y={33} textAnchor="middle" className="pm-node-count">
                  {n.activity.count.toLocaleString('en-US')}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      <div className="pm-legend muted small">
        Boxes: activities, with how many events; green bar: traces start here, dark bar: traces end here. Edges: how often one activity directly
        followed another, labelled <em>count · median / p90 wait</em>; thicker is more frequent, <span className="bad">red</span> are the top
        bottlenecks; dashed edges run back. Lane edges show their count; hover any edge for its waits. Click an edge to pick it out.
        {hidden > 0 && (
          <strong data-testid="edges-hidden">
            {' '}
            {hidden} rare {hidden === 1 ? 'edge' : 'edges'} (fewer than {props.minEdgeCount} times) not drawn.
          </strong>
        )}
      </div>
    </div>
  );
}

export { edgeKey };
