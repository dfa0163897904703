/** The unique index an account insert ran into. */
export type UniqueField = 'email' | 'nickname' | 'identity';

/** Thrown when an insert hits one of the unique indexes; says which. */
export class DuplicateUserError extends Error {
  constructor(readonly field: UniqueField) {
    super(`duplicate ${field}`);
    this.name = 'DuplicateUserError';
  }
}
