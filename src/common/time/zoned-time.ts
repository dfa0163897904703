const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // sv-SE formats as "YYYY-MM-DD HH:mm:ss".
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** `YYYY-MM-DDTHH:mm:ss`, no offset, in the given zone (SPEC §1 timestamp). */
export function localTimestamp(epochMs: number, timeZone: string): string {
  return formatter(timeZone).format(epochMs).replace(' ', 'T');
}

/** The calendar date `YYYY-MM-DD` in the given zone. */
export function localDate(epochMs: number, timeZone: string): string {
  return localTimestamp(epochMs, timeZone).slice(0, 10);
}

/** Full years between a birth date and today, both `YYYY-MM-DD`; a birthday today counts. */
export function fullYears(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  const beforeBirthday = tm < bm || (tm === bm && td < bd);
  return ty - by - (beforeBirthday ? 1 : 0);
}
