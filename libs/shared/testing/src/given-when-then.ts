import { fold, type Decider, type DomainEvent } from '@billing/shared/kernel';

/** given(events).when(command).then(events) / .thenThrows(error): a decider spec without mocks. */
export function specFor<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return (given: readonly E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, fold(decider, given));
      return {
        then: (expected: readonly E[]) => expect(run()).toEqual(expected),
        thenThrows: (type: new (...args: never[]) => Error, message?: string | RegExp) => {
          expect(run).toThrow(type);
          if (message) expect(run).toThrow(message);
        },
        events: run,
      };
    },
  });
}
