/** The four kinds of user (ARCHITECTURE.md "What the system does"; README "Roles and tokens"). */
export const ROLES = ['billing', 'finance', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** A tenant id, as stream ids, document keys and message keys are scoped by it. */
export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Who calls, from a verified token (or, with authentication off, from the old headers). */
export interface Identity {
  tenantId: string;
  /** The token's `sub`. */
  subject: string;
  name?: string;
  email?: string;
  roles: readonly Role[];
}

/**
 * What every event records as its actor: the subject, with the name and e-mail where the token has
 * them.
 */
export function actorOf({
  subject,
  name,
  email,
}: Pick<Identity, 'subject' | 'name' | 'email'>): string {
  const who = [name, email && `<${email}>`].filter(Boolean).join(' ');
  return who ? `${subject} (${who})` : subject;
}
