import { Transform } from 'class-transformer';

/** Trims and NFC-normalises a string; leaves other types for validation to refuse. */
export const TrimNfc = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().normalize('NFC') : value));

/** Emails are trimmed and lower-cased (SPEC §2). */
export const NormalizeEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().normalize('NFC').toLowerCase() : value,
  );

/** Optional text: trimmed and NFC; blank becomes null. */
export const OptionalText = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return value;
    const text = value.trim().normalize('NFC');
    return text === '' ? null : text;
  });
