/**
 * The length limits of SPEC §2, in Unicode code points (as PostgreSQL's
 * varchar(n) counts). Entity columns, DTO rules, Swagger and the nickname
 * cutting of social accounts read these; the messages quote them in the
 * SPEC's own words (FIELD_MESSAGES).
 */
export const NAME_MAX_LENGTH = 10;
export const NICKNAME_MAX_LENGTH = 10;
export const ADDRESS_MAX_LENGTH = 50;
export const EMAIL_MAX_LENGTH = 100;
/** The default of PASSWORD_MIN_LENGTH. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
