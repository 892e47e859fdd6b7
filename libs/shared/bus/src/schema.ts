import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { Message } from './bus.port';
import { InvalidMessage } from './consume';

/** A context's published schemas: message type -> schema version -> class-validator class. */
export type SchemaRegistry = Record<string, Record<number, ClassConstructor<object>>>;

/**
 * Returns the message data typed by its schema, or throws InvalidMessage (dead-lettered, never
 * retried).
 */
export function parseMessage<T>(registry: SchemaRegistry, message: Message): T {
  const schema = registry[message.type]?.[message.schemaVersion];
  if (!schema) throw new InvalidMessage(`no schema for ${message.type} v${message.schemaVersion}`);
  const data = plainToInstance(schema, message.data);
  const errors = validateSync(data, { forbidUnknownValues: true });
  if (errors.length)
    throw new InvalidMessage(
      `${message.type} v${message.schemaVersion} fails its schema: ${describe(errors)}`,
    );
  return data as T;
}

function describe(errors: ValidationError[], prefix = ''): string {
  return errors
    .map((error) =>
      error.constraints
        ? `${prefix}${error.property}: ${Object.values(error.constraints).join(', ')}`
        : describe(error.children ?? [], `${prefix}${error.property}.`),
    )
    .join('; ');
}
