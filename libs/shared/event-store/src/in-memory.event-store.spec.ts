import { eventStoreConformance } from '@billing/shared/testing';
import { InMemoryEventStore } from './in-memory.event-store';

eventStoreConformance('in-memory', async () => new InMemoryEventStore());
