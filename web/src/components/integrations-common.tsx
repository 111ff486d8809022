import { useState } from 'react';
import { JsonView } from './ui.tsx';

/** A payload as received: JSON is indented for reading, anything else (X12, CSV) is shown byte for byte. */
export function PayloadView(props: { payload: string; testId?: string }) {
  const [raw, setRaw] = useState(false);
  const pretty = prettyJson(props.payload);
  return (
    <div className="payload">
      {pretty !== null && (
        <div className="payload-toggle">
          <button type="button" className="btn plain small" onClick={() => setRaw((r) => !r)}>
            {raw ? 'Indented' : 'Raw bytes'}
          </button>
        </div>
      )}
      <JsonView value={pretty === null || raw ? props.payload : pretty} testId={props.testId} />
    </div>
  );
}

export function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** The reason field the discard and replay dialogs ask for; the hub keeps it as the operator's note. */
export function ReasonInput(props: { value: string; onChange: (value: string) => void; required?: boolean; testId?: string }) {
  return (
    <label className="reason">
      Reason{props.required ? '' : ' (optional)'}
      <input value={props.value} onChange={(e) => props.onChange(e.target.value)} maxLength={2000} data-testid={props.testId} placeholder="Why, for the audit" />
    </label>
  );
}
