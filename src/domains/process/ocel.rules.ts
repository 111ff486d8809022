import { isTimeAttribute } from './compact-log.ts';
import type { AttributeValue } from './process.types.ts';

/**
 * OCEL 2.0 JSON pieces (https://www.ocel-standard.org/2.0/ocel20-schema-json.json). The published
 * schema types every attribute value as a string, so values are written as strings and their types
 * are declared in `eventTypes` and `objectTypes`: `time` (ISO 8601), `integer`, `float`, `boolean`
 * or `string`. Pure; the service streams what these return.
 */
export type OcelAttributeType = 'string' | 'time' | 'integer' | 'float' | 'boolean';

export function ocelTypeOf(name: string, value: AttributeValue): OcelAttributeType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  return isTimeAttribute(name) && !Number.isNaN(Date.parse(value)) ? 'time' : 'string';
}

export const ocelValue = (value: AttributeValue): string => (typeof value === 'string' ? value : String(value));

/** Two observed types of one attribute: integers widen to floats, anything else mixed is a string. */
function widen(a: OcelAttributeType, b: OcelAttributeType): OcelAttributeType {
  if (a === b) return a;
  if ((a === 'integer' && b === 'float') || (a === 'float' && b === 'integer')) return 'float';
  return 'string';
}

/** The event and object types seen while streaming, with each attribute's type. */
export class OcelDeclarations {
  private readonly events = new Map<string, Map<string, OcelAttributeType>>();
  private readonly objects = new Map<string, Map<string, OcelAttributeType>>();

  private note(into: Map<string, Map<string, OcelAttributeType>>, typeName: string, name: string | undefined, value: AttributeValue | undefined): void {
    let attributes = into.get(typeName);
    if (!attributes) into.set(typeName, (attributes = new Map()));
    if (name === undefined || value === undefined) return;
    const seen = attributes.get(name);
    const type = ocelTypeOf(name, value);
    attributes.set(name, seen === undefined ? type : widen(seen, type));
  }

  event(activity: string, attributes: Record<string, AttributeValue>): void {
    this.note(this.events, activity, undefined, undefined);
    for (const [name, value] of Object.entries(attributes)) this.note(this.events, activity, name, value);
  }

  object(type: string, name?: string, value?: AttributeValue): void {
    this.note(this.objects, type, name, value);
  }

  private static list(from: Map<string, Map<string, OcelAttributeType>>) {
    return [...from.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([name, attributes]) => ({ name, attributes: [...attributes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([n, type]) => ({ name: n, type })) }));
  }

  eventTypes() {
    return OcelDeclarations.list(this.events);
  }

  objectTypes() {
    return OcelDeclarations.list(this.objects);
  }
}

export interface OcelEventInput {
  id: string;
  activity: string;
  timeMs: number;
  attributes: Record<string, AttributeValue>;
  relationships: Array<{ objectId: string; qualifier: string }>;
}

export function ocelEvent(e: OcelEventInput) {
  return {
    id: e.id,
    type: e.activity,
    time: new Date(e.timeMs).toISOString(),
    attributes: Object.entries(e.attributes).map(([name, value]) => ({ name, value: ocelValue(value) })),
    relationships: e.relationships,
  };
}

export interface OcelObjectInput {
  id: string;
  type: string;
  changes: Array<{ name: string; value: AttributeValue; timeMs: number }>;
  links: Array<{ objectId: string; qualifier: string }>;
}

export function ocelObject(o: OcelObjectInput) {
  return {
    id: o.id,
    type: o.type,
    attributes: o.changes.map((c) => ({ name: c.name, value: ocelValue(c.value), time: new Date(c.timeMs).toISOString() })),
    relationships: o.links,
  };
}
