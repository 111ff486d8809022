import { useState } from 'react';
import { api, hasRole } from '../api.ts';
import { useSession } from '../auth.tsx';
import { formatTime, useLoad } from '../components/data.ts';
import { PolicyDiffTable } from '../components/policies-diff.tsx';
import { PolicyEditor } from '../components/policies-editor.tsx';
import { Badge, ConfirmButton, Empty, ErrorBox, JsonView, Loading, Section } from '../components/ui.tsx';
import { navigate, setParam, type Location } from '../router.tsx';
import type { PolicyDiff, PolicyKindSummary, PolicyVersion } from '../types-policies.ts';
import './policies.css';

/**
 * Policies: the rules the hub decides by (credit holds, sourcing, exception SLAs…), each kind with its
 * history of versions. Anyone may read them and compare two versions; only an admin proposes a new
 * version (an edited copy, validated by the hub against the kind's schema) and puts one in force.
 * Version 0 is the registered defaults, which apply until a version is activated.
 */
export function PoliciesPage(props: { location: Location }) {
  const { location } = props;
  const { me } = useSession();
  const isAdmin = hasRole(me);
  const kinds = useLoad(() => api.get<{ items: PolicyKindSummary[] }>('/v1/policies'), []);
  const kind = location.params.get('kind') ?? kinds.data?.items[0]?.kind ?? null;
  const summary = kinds.data?.items.find((k) => k.kind === kind);

  return (
    <div className="page policies-page" data-testid="page-policies">
      <h1>Policies</h1>
      <ErrorBox error={kinds.error} />
      <div className="policies-layout">
        <Section title="Kinds" testId="policy-kinds">
          {!kinds.data && !kinds.error && <Loading />}
          <table className="table compact">
            <thead>
              <tr>
                <th>Kind</th>
                <th>In force</th>
              </tr>
            </thead>
            <tbody>
              {(kinds.data?.items ?? []).map((k) => (
                <tr
                  key={k.kind}
                  className={`clickable${k.kind === kind ? ' selected' : ''}`}
                  onClick={() => navigate('/policies', { kind: k.kind })}
                  data-testid={`policy-kind-${k.kind}`}
                >
                  <td>
                    <div className="policy-kind-name">{k.kind}</div>
                    <div className="muted small">{k.description}</div>
                  </td>
                  <td data-testid={`policy-kind-active-${k.kind}`}>
                    {k.active.status === 'default' ? <Badge value="defaults" tone="muted" /> : <Badge value={`v${k.active.version}`} tone="good" />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        {kind && summary ? (
          <KindDetail key={kind} location={location} summary={summary} isAdmin={isAdmin} onChanged={kinds.reload} />
        ) : (
          kinds.data && <Empty>Pick a policy kind.</Empty>
        )}
      </div>
    </div>
  );
}

function KindDetail(props: { location: Location; summary: PolicyKindSummary; isAdmin: boolean; onChanged: () => void }) {
  const { location, summary, isAdmin } = props;
  const kind = summary.kind;
  const versions = useLoad(() => api.get<{ items: PolicyVersion[] }>(`/v1/policies/${encodeURIComponent(kind)}`), [kind]);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const items = versions.data?.items ?? [];
  const activeVersion = items.find((v) => v.status === 'active')?.version ?? 0;

  const requested = Number(location.params.get('v') ?? Number.NaN);
  const selected = items.find((v) => v.version === requested) ?? items.find((v) => v.status === 'active') ?? items[0];
  // Version 0 stands for the registered defaults: what the hub applies until a version is activated.
  const selectedNumber = Number.isFinite(requested) && requested === 0 ? 0 : (selected?.version ?? 0);
  const selectedDocument = selectedNumber === 0 ? (summary.active.version === 0 ? summary.active.document : undefined) : selected?.document;

  const numbers = [...items.map((v) => v.version), 0];
  const diffTo = numberParam(location, 'to') ?? selectedNumber;
  const defaultFrom = diffTo === activeVersion ? (numbers.find((n) => n < diffTo) ?? 0) : activeVersion;
  const diffFrom = numberParam(location, 'from') ?? defaultFrom;
  const diff = useLoad(
    () => (versions.data ? api.get<PolicyDiff>(`/v1/policies/${encodeURIComponent(kind)}/diff`, { from: diffFrom, to: diffTo }) : Promise.resolve(undefined)),
    [kind, diffFrom, diffTo, !!versions.data],
  );

  const reloadAll = () => {
    versions.reload();
    diff.reload();
    props.onChanged();
  };

  const select = (version: number) => navigate('/policies', { kind, v: version });

  return (
    <div className="policies-detail">
      <Section
        title={`${kind}: versions`}
        testId="policy-versions"
        actions={
          isAdmin && !editing ? (
            <button type="button" className="btn primary" onClick={() => setEditing(true)} data-testid="policy-edit">
              Edit a copy as a new version
            </button>
          ) : undefined
        }
      >
        <p className="muted small">{summary.description}</p>
        {notice && (
          <div className="policy-notice" data-testid="policy-notice">
            {notice}
          </div>
        )}
        <ErrorBox error={versions.error} />
        {!versions.data && !versions.error && <Loading />}
        <table className="table compact">
          <thead>
            <tr>
              <th>Version</th>
              <th>Status</th>
              <th>Comment</th>
              <th>Proposed</th>
              <th>Activated</th>
              <th>Retired</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr
                key={v.version}
                className={`clickable${v.version === selectedNumber ? ' selected' : ''}`}
                onClick={() => select(v.version)}
                data-testid={`policy-version-${v.version}`}
              >
                <td>v{v.version}</td>
                <td>
                  <Badge value={v.status} tone={v.status === 'active' ? 'good' : v.status === 'draft' ? 'info' : 'muted'} testId={`policy-status-${v.version}`} />
                </td>
                <td className="policy-comment">{v.comment ?? <span className="muted">—</span>}</td>
                <td>
                  {v.createdBy.name}
                  <div className="muted small">{formatTime(v.createdAt)}</div>
                </td>
                <td>
                  {v.activatedBy ? v.activatedBy.name : <span className="muted">—</span>}
                  {v.activatedAt && <div className="muted small">{formatTime(v.activatedAt)}</div>}
                </td>
                <td>{v.retiredAt ? formatTime(v.retiredAt) : <span className="muted">—</span>}</td>
                <td onClick={(e) => e.stopPropagation()}>
                  {isAdmin && v.status === 'draft' && (
                    <ConfirmButton
                      label="Activate"
                      testId={`activate-${v.version}`}
                      confirm={`Put version ${v.version} of ${kind} in force? ${activeVersion > 0 ? `Version ${activeVersion} will be retired.` : 'It replaces the registered defaults.'} Decisions from now on use it.`}
                      onConfirm={() => api.post(`/v1/policies/${encodeURIComponent(kind)}/${v.version}/activate`)}
                      onDone={() => {
                        setNotice(`Version ${v.version} is now in force.`);
                        reloadAll();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
            <tr className={`clickable${selectedNumber === 0 ? ' selected' : ''}`} onClick={() => select(0)} data-testid="policy-version-0">
              <td>v0</td>
              <td>
                <Badge value={summary.active.version === 0 ? 'defaults, in force' : 'defaults'} tone={summary.active.version === 0 ? 'good' : 'muted'} />
              </td>
              <td className="muted" colSpan={5}>
                The registered defaults, which apply until a version is activated.
              </td>
            </tr>
          </tbody>
        </table>
      </Section>

      {editing && isAdmin && (
        <PolicyEditor
          kind={kind}
          base={selectedNumber}
          document={selectedDocument ?? summary.active.document}
          onCancel={() => setEditing(false)}
          onCreated={(created) => {
            setEditing(false);
            setNotice(`Version ${created.version} proposed as a draft. Review the diff, then activate it.`);
            versions.reload();
            navigate('/policies', { kind, v: created.version, from: activeVersion, to: created.version });
          }}
        />
      )}

      <div className="columns">
        <Section title={selectedNumber === 0 ? 'Defaults' : `Version ${selectedNumber}`} testId="policy-document-card">
          {selectedDocument === undefined ? (
            <p className="muted">
              The defaults are not shown while a version is in force; compare against v0 in the diff to see how the active version departs from them.
            </p>
          ) : (
            <JsonView value={selectedDocument} testId="policy-document" />
          )}
        </Section>
        <Section
          title="Diff"
          testId="policy-diff-card"
          actions={
            <div className="toolbar">
              <label>
                From
                <select value={diffFrom} onChange={(e) => setParam(location, 'from', e.target.value)} data-testid="diff-from">
                  {numbers.map((n) => (
                    <option key={n} value={n}>
                      {versionLabel(n, activeVersion)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                To
                <select value={diffTo} onChange={(e) => setParam(location, 'to', e.target.value)} data-testid="diff-to">
                  {numbers.map((n) => (
                    <option key={n} value={n}>
                      {versionLabel(n, activeVersion)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          }
        >
          <ErrorBox error={diff.error} />
          {diff.data && <PolicyDiffTable diff={diff.data} />}
        </Section>
      </div>
    </div>
  );
}

function numberParam(location: Location, name: string): number | undefined {
  const raw = location.params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function versionLabel(n: number, active: number): string {
  if (n === 0) return 'v0 (defaults)';
  return n === active ? `v${n} (active)` : `v${n}`;
}
