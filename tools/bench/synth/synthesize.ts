import type { CustomerPlan } from '../flows';
import { synthesizeCustomer } from './customer';
import { SynthApp } from './synth-app';

/**
 * Writes the histories of customers 0, 1, … into a new store at `file` until `enough` says stop;
 * returns how many.
 */
export async function synthesize(
  file: string,
  seed: string,
  plan: (n: number) => CustomerPlan,
  enough: (customers: number, events: number) => boolean,
): Promise<number> {
  const app = await SynthApp.open(file, seed);
  let customers = 0;
  try {
    while (!enough(customers, app.events)) await synthesizeCustomer(app, plan(customers++));
  } finally {
    await app.close();
  }
  return customers;
}
