import { withoutAddresses } from './addresses';

describe('why a server does not answer, as readiness tells it (addresses.ts)', () => {
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
    ['getaddrinfo ENOTFOUND kafka-0.kafka.svc.cluster.local', 'getaddrinfo ENOTFOUND a server'],
    ['connect ETIMEDOUT 10.0.0.5', 'connect ETIMEDOUT a server'],
    ['failed on mongodb://admin:s3cret@mongo:27017/billing', 'failed on a server'],
    ['connection <monitor> to [::1]:27017 closed', 'connection <monitor> to a server closed'],
  ])('leaves out the address: %s', (message, told) => expect(withoutAddresses(message)).toBe(told));

  it.each([
    'The group is rebalancing, so a rejoin is needed',
    'failed at 12:30',
    'deadline 2026-11-30T12:30:45.123Z passed',
    'read ECONNRESET',
    'projection:invoices@v2 is behind',
  ])('leaves the rest as it is: %s', (message) => expect(withoutAddresses(message)).toBe(message));
});
