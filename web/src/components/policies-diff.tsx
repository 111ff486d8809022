import { Badge, Empty } from './ui.tsx';
import type { PolicyDiff } from '../types-policies.ts';

/**
 * The fields that changed between two versions, one row per dotted path with the value before and
 * after, as the hub computed them (lists compare as whole values).
 */
export function PolicyDiffTable(props: { diff: PolicyDiff }) {
  const { diff } = props;
  if (diff.from === diff.to) return <Empty>Pick two different versions to compare.</Empty>;
  if (diff.changes.length === 0)
    return (
      <div data-testid="policy-diff">
        <Empty>
          v{diff.from} and v{diff.to} are the same document.
        </Empty>
      </div>
    );
  return (
    <table className="table compact policy-diff" data-testid="policy-diff">
      <thead>
        <tr>
          <th>Field</th>
          <th>Change</th>
          <th>v{diff.from}</th>
          <th>v{diff.to}</th>
        </tr>
      </thead>
      <tbody>
        {diff.changes.map((c) => (
          <tr key={c.path} data-testid="diff-row" data-path={c.path}>
            <td>
              <code>{c.path || '(whole document)'}</code>
            </td>
            <td>
              <Badge value={c.change} tone={c.change === 'added' ? 'good' : c.change === 'removed' ? 'bad' : 'warn'} />
            </td>
            <td className="diff-before">{c.change === 'added' ? <span className="muted">—</span> : <Value value={c.before} />}</td>
            <td className="diff-after">{c.change === 'removed' ? <span className="muted">—</span> : <Value value={c.after} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Value(props: { value: unknown }) {
  const text = JSON.stringify(props.value, null, typeof props.value === 'object' && props.value !== null ? 2 : undefined) ?? 'undefined';
  return <code className="diff-value">{text}</code>;
}
