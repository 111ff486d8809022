import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { ErrorBox, Section } from './ui.tsx';
import type { PolicyVersion } from '../types-policies.ts';

/**
 * An edited copy of a version's document, proposed as a new draft version. The hub validates the
 * whole document against the kind's schema and names each problem by its path
 * (`body.document.<field>`); the editor shows those exactly as the hub said them. Text that is not
 * JSON is caught here, before anything is sent.
 */
export function PolicyEditor(props: {
  kind: string;
  base: number;
  document: unknown;
  onCancel: () => void;
  onCreated: (created: PolicyVersion) => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(props.document, null, 2));
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const propose = async () => {
    setError(undefined);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (err) {
      setError(new ApiError(0, 'invalid_json', `The document is not JSON: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<PolicyVersion>(`/v1/policies/${encodeURIComponent(props.kind)}`, comment.trim() ? { document, comment: comment.trim() } : { document });
      props.onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={`New version of ${props.kind}, from ${props.base === 0 ? 'the defaults' : `v${props.base}`}`} testId="policy-editor-card">
      <p className="muted small">
        Send the whole document: fields left out are not taken from the previous version. The new version is a draft until it is activated.
      </p>
      <textarea className="policy-editor" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} data-testid="policy-editor" />
      <div className="toolbar policy-editor-actions">
        <input
          type="text"
          className="policy-comment-input"
          placeholder="Why this version (for the history)"
          value={comment}
          maxLength={2000}
          onChange={(e) => setComment(e.target.value)}
          data-testid="policy-comment"
        />
        <button type="button" className="btn primary" onClick={propose} disabled={busy} data-testid="policy-propose">
          {busy ? 'Proposing…' : 'Propose version'}
        </button>
        <button type="button" className="btn plain" onClick={props.onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
      <ErrorBox error={error} />
    </Section>
  );
}
