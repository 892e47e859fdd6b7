import type { Security } from './security';

export const EVENT_STORE = Symbol('EventStore');
/** The app's one EventSchemas: each feature module registers its domain's event schemas. */
export const EVENT_SCHEMAS = Symbol('EventSchemas');
export const BUS = Symbol('Bus');
export const READ_MODELS = Symbol('ReadModelStore');
export const CLOCK = Symbol('Clock');
export const SETTINGS = Symbol('Settings');

export interface Clock {
  now(): Date;
}

export interface Settings {
  /** Business dates default to today in this zone (DOMAIN.md "Dates"). */
  timeZone: string;
  /** The app opened its adapters itself, so it closes them on shutdown (tests share theirs). */
  closeAdaptersOnShutdown?: boolean;
  /** Called once they are closed: what the app gives back (its data folder's running marker). */
  released?: () => void;
  /**
   * Who may call and the browser-facing rules: required to serve HTTP (configureHttp refuses to
   * start without it).
   */
  security?: Security;
}
