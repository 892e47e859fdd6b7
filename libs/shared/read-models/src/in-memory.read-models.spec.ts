import { readModelConformance } from '@billing/shared/testing';
import { InMemoryReadModels } from './in-memory.read-models';

readModelConformance('in-memory (mingo)', async () => new InMemoryReadModels());
