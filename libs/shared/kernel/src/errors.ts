// The handful of typed errors the domain raises; one HTTP filter maps each category to a status.

export type ErrorCategory = 'validation' | 'not_found' | 'illegal_state' | 'rule' | 'concurrency';

export abstract class DomainError extends Error {
  abstract readonly category: ErrorCategory;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that is well-formed but not acceptable (400). */
export class ValidationError extends DomainError {
  readonly category = 'validation';
}

export class NotFoundError extends DomainError {
  readonly category = 'not_found';
}

/** The command does not apply in the aggregate's current state (409). */
export class IllegalStateError extends DomainError {
  readonly category = 'illegal_state';
}

/** A billing rule forbids the command (422). */
export class RuleViolation extends DomainError {
  readonly category = 'rule';
}

export class ConcurrencyError extends DomainError {
  readonly category = 'concurrency';
}
