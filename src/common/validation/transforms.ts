import { Transform } from 'class-transformer';
import { hasControlChar } from './field-rules.js';

/** Trims and NFC-normalises a string; leaves other types for validation to refuse. */
export const TrimNfc = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().normalize('NFC') : value));

/** The one form of an email the service stores and compares: trimmed, NFC, lower-cased (SPEC §2). */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/**
 * Emails are trimmed and lower-cased (SPEC §2). One holding a control
 * character is left as it came, so the format check sees (and refuses) a
 * CR, LF or tab even at the ends, where trimming would have hidden it.
 */
export const NormalizeEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && !hasControlChar(value) ? normalizeEmail(value) : value,
  );

/** Optional text: trimmed and NFC; blank becomes null. */
export const OptionalText = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return value;
    const text = value.trim().normalize('NFC');
    return text === '' ? null : text;
  });
