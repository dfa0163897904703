import { fullYears, localDate, localTimestamp } from './zoned-time.js';

describe('fullYears', () => {
  it.each([
    ['2011-06-15', '2025-06-14', 13],
    ['2011-06-15', '2025-06-15', 14],
    ['2011-06-15', '2025-06-16', 14],
    ['2011-12-31', '2025-12-30', 13],
    ['2011-12-31', '2025-12-31', 14],
    ['2011-01-01', '2025-01-01', 14],
    ['2012-01-01', '2025-12-31', 13],
    ['2000-01-01', '2000-01-01', 0],
  ])('born %s is on %s %i full years old (a birthday today counts)', (birthDate, today, years) => {
    expect(fullYears(birthDate, today)).toBe(years);
  });

  describe('born on February 29', () => {
    // In a common year the anniversary is taken as March 1: the years end with February 28.
    it.each([
      ['2010-02-28', 13],
      ['2010-03-01', 14],
      ['2013-02-28', 16],
      ['2013-03-01', 17],
    ])('in a common year, on %s, is %i', (today, years) => {
      expect(fullYears('1996-02-29', today)).toBe(years);
    });

    it.each([
      ['2024-02-28', 15],
      ['2024-02-29', 16],
      ['2024-03-01', 16],
    ])('in a leap year, on %s, is %i', (today, years) => {
      expect(fullYears('2008-02-29', today)).toBe(years);
    });
  });

  it('reads a today given on the 28th of February against a birthday on the 28th', () => {
    expect(fullYears('2010-02-28', '2024-02-28')).toBe(14);
    expect(fullYears('2010-02-28', '2024-02-27')).toBe(13);
  });
});

describe('localTimestamp and localDate', () => {
  it('formats YYYY-MM-DDTHH:mm:ss without an offset, in Asia/Seoul (UTC+9, no DST)', () => {
    expect(localTimestamp(Date.UTC(2025, 10, 14, 6, 45, 0), 'Asia/Seoul')).toBe('2025-11-14T15:45:00');
    expect(localTimestamp(0, 'Asia/Seoul')).toBe('1970-01-01T09:00:00');
    expect(localTimestamp(Date.UTC(2025, 6, 1, 12, 0, 0), 'Asia/Seoul')).toBe('2025-07-01T21:00:00');
  });

  it('moves to the next day in Seoul at 15:00 UTC', () => {
    const before = Date.UTC(2025, 11, 31, 14, 59, 59);
    const after = Date.UTC(2025, 11, 31, 15, 0, 0);
    expect(localTimestamp(before, 'Asia/Seoul')).toBe('2025-12-31T23:59:59');
    expect(localTimestamp(after, 'Asia/Seoul')).toBe('2026-01-01T00:00:00');
    expect(localDate(before, 'Asia/Seoul')).toBe('2025-12-31');
    expect(localDate(after, 'Asia/Seoul')).toBe('2026-01-01');
  });

  it('uses a 24-hour clock with midnight as 00', () => {
    expect(localTimestamp(Date.UTC(2025, 0, 1, 15, 5, 9), 'Asia/Seoul')).toBe('2025-01-02T00:05:09');
  });

  it('drops milliseconds', () => {
    expect(localTimestamp(Date.UTC(2025, 0, 1, 0, 0, 0, 999), 'Asia/Seoul')).toBe('2025-01-01T09:00:00');
  });

  it('honours another zone', () => {
    expect(localTimestamp(Date.UTC(2025, 0, 1, 0, 0, 0), 'UTC')).toBe('2025-01-01T00:00:00');
    expect(localDate(Date.UTC(2025, 0, 1, 3, 0, 0), 'America/New_York')).toBe('2024-12-31');
  });

  it('gives the date a Seoul birthday counts from: a UTC evening is already tomorrow', () => {
    const today = localDate(Date.UTC(2025, 5, 14, 16, 0, 0), 'Asia/Seoul');
    expect(today).toBe('2025-06-15');
    expect(fullYears('2011-06-15', today)).toBe(14);
  });
});
