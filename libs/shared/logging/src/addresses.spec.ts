import { withoutAddresses } from './addresses';

describe('an error as readiness tells it (addresses.ts)', () => {
  it.each([
    [
      'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      'Connection error: connect ECONNREFUSED a server',
    ],
    [
      'Failed to connect to seed broker kafka-0.kafka.svc:9092, localhost:19092',
      'Failed to connect to seed broker a server, a server',
    ],
    ['connect ECONNREFUSED [::1]:9092', 'connect ECONNREFUSED a server'],
    [
      'The group is rebalancing, so a rejoin is needed',
      'The group is rebalancing, so a rejoin is needed',
    ],
  ])('%s', (message, told) => expect(withoutAddresses(message)).toBe(told));
});
