import type { X12Segment } from './x12.types.ts';

/**
 * Reading values out of a segment. Positions are 1-based, as in X12 notation: `element(po1, 2)` is
 * PO102. An element that was not sent reads as the empty string, never undefined.
 */

/** The raw text of element `position` (separators of composites and repetitions included). */
export function element(segment: X12Segment, position: number): string {
  return segment.elements[position] ?? '';
}

/** The repetitions of an element; a non-repeated element is one repetition. Empty when absent. */
export function repeats(segment: X12Segment, position: number): string[] {
  const raw = element(segment, position);
  if (raw === '') return [];
  const separator = segment.delimiters.repetition;
  return separator === null ? [raw] : raw.split(separator);
}

/** The components of an element (of its first repetition unless `repetition` is given, 1-based). */
export function components(segment: X12Segment, position: number, repetition = 1): string[] {
  const value = repeats(segment, position)[repetition - 1] ?? '';
  return value === '' ? [] : value.split(segment.delimiters.component);
}

/** One component, 1-based; empty when absent. */
export function component(segment: X12Segment, position: number, componentPosition: number, repetition = 1): string {
  return components(segment, position, repetition)[componentPosition - 1] ?? '';
}

/** Number of elements after the id, counting trailing empty ones that were sent. */
export const elementCount = (segment: X12Segment): number => segment.elements.length - 1;
