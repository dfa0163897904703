/** Unicode code points, as PostgreSQL's varchar(n) counts. */
export function charLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** The first `max` code points of `value` (never half of a surrogate pair). */
export function firstChars(value: string, max: number): string {
  return [...value].slice(0, max).join('');
}
