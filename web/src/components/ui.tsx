import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';

export function ErrorBox(props: { error: unknown }) {
  if (!props.error) return null;
  const e = props.error;
  const code = e instanceof ApiError ? e.code : 'error';
  const message = e instanceof Error ? e.message : String(e);
  return (
    <div className="error-box" role="alert" data-testid="error">
      <strong>{code}</strong> {message}
      {e instanceof ApiError && e.details.length > 0 && (
        <ul>
          {e.details.map((d, i) => (
            <li key={i}>
              <code>{d.path}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading() {
  return <div className="loading">Loading…</div>;
}

/** A state, SLA state or health as a coloured pill; the colour comes from the value's tone. */
export function Badge(props: { value: string | null | undefined; tone?: Tone; testId?: string }) {
  const value = props.value ?? '—';
  return (
    <span className={`badge tone-${props.tone ?? toneOf(value)}`} data-testid={props.testId}>
      {value.replaceAll('_', ' ')}
    </span>
  );
}

export type Tone = 'good' | 'warn' | 'bad' | 'info' | 'muted';

const tones: Record<string, Tone> = {
  ok: 'good', healthy: 'good', delivered: 'good', invoiced: 'good', closed: 'good', resolved: 'good', received: 'good', active: 'good', on_track: 'good', shipped: 'good', released: 'info', allocated: 'info', processed: 'good', delivered_ok: 'good',
  at_risk: 'warn', degraded: 'warn', claimed: 'info', open: 'warn', held: 'warn', on_hold: 'warn', pending: 'warn', backordered: 'warn', partially_shipped: 'info', retrying: 'warn', failed: 'bad',
  breached: 'bad', down: 'bad', dead: 'bad', dead_letter: 'bad', cancelled: 'muted', rejected: 'bad', open_circuit: 'bad', error: 'bad', discarded: 'muted', idle: 'muted', unknown: 'muted',
};

export function toneOf(value: string): Tone {
  return tones[value] ?? 'muted';
}

/** A command button that asks before it acts, and shows the hub's answer or refusal. */
export function ConfirmButton(props: {
  label: string;
  confirm: string;
  onConfirm: () => Promise<unknown>;
  onDone?: () => void;
  disabled?: boolean;
  kind?: 'primary' | 'danger' | 'plain';
  testId?: string;
  children?: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const act = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      setAsking(false);
      props.onDone?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="confirm">
      <button type="button" className={`btn ${props.kind ?? 'primary'}`} disabled={props.disabled || busy} onClick={() => setAsking(true)} data-testid={props.testId}>
        {props.label}
      </button>
      {asking && (
        <div className="dialog-backdrop">
          <div className="dialog" role="dialog" aria-label={props.label}>
            <p>{props.confirm}</p>
            {props.children}
            <ErrorBox error={error} />
            <div className="dialog-actions">
              <button type="button" className="btn plain" onClick={() => setAsking(false)} disabled={busy}>
                Cancel
              </button>
              <button type="button" className={`btn ${props.kind ?? 'primary'}`} onClick={act} disabled={busy} data-testid="confirm">
                {busy ? 'Working…' : 'Confirm'}
              </button>
            </div>
          </div>
        </div>
      )}
    </span>
  );
}

export function Section(props: { title: string; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={props.testId}>
      <header className="card-header">
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

export function KeyValues(props: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="kv">
      {props.rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

export function JsonView(props: { value: unknown; testId?: string }) {
  const text = typeof props.value === 'string' ? props.value : JSON.stringify(props.value, null, 2);
  return (
    <pre className="json" data-testid={props.testId}>
      {text}
    </pre>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <div className="empty">{props.children}</div>;
}

/** One option of a `Choice`: a plain value shows as itself. */
export type ChoiceOption = string | { value: string; label: string };

/**
 * A drop-down filter or setting. `any` adds a first option that stands for no filter (its value is
 * usually '' or 'any', as the API or the address expects).
 */
export function Choice(props: {
  value: string;
  onChange: (value: string) => void;
  options: readonly ChoiceOption[];
  any?: { value: string; label: string };
  label?: string;
  testId?: string;
}) {
  return (
    <select value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-label={props.label} data-testid={props.testId}>
      {props.any && <option value={props.any.value}>{props.any.label}</option>}
      {props.options.map((o) => {
        const { value, label } = typeof o === 'string' ? { value: o, label: o } : o;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </select>
  );
}

/**
 * A one-field search that applies on submit (Enter or the button), not on every keystroke: the
 * field follows `value` when the address changes, and `onSubmit` gets what was typed, trimmed.
 */
export function SearchForm(props: { value: string; onSubmit: (value: string) => void; placeholder: string; submitLabel: string; testId: string }) {
  const [typed, setTyped] = useState(props.value);
  useEffect(() => setTyped(props.value), [props.value]);
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(typed.trim());
      }}
    >
      <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={props.placeholder} aria-label={props.placeholder} data-testid={props.testId} />
      <button type="submit" className="btn primary" data-testid={`${props.testId}-submit`}>
        {props.submitLabel}
      </button>
    </form>
  );
}
