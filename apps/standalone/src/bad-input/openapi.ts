/** The part of a served OpenAPI 3 document the generator reads. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  example?: unknown;
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface DocumentOperation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One operation with every `$ref` resolved: what a request to it may carry. */
export interface Operation {
  key: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON request body's schema; undefined when the document gives none. */
  body?: Schema;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

const operationKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) =>
        toOperation(doc, path, method as Operation['method'], operation),
      ),
  );
}

function toOperation(
  doc: OpenApiDocument,
  path: string,
  method: Operation['method'],
  operation: DocumentOperation,
): Operation {
  const parameters = (operation.parameters ?? []).map((parameter) => ({
    ...parameter,
    schema: resolve(doc, parameter.schema ?? {}),
  }));
  const json = operation.requestBody?.content?.['application/json']?.schema;
  return {
    key: operationKey(method, path),
    method,
    path,
    pathParams: parameters.filter((parameter) => parameter.in === 'path'),
    queryParams: parameters.filter((parameter) => parameter.in === 'query'),
    body: json ? resolve(doc, json) : undefined,
  };
}

/**
 * The schema with every `$ref` replaced by its component and every `allOf` merged, all the way
 * down.
 */
export function resolve(doc: OpenApiDocument, schema: Schema, depth = 0): Schema {
  if (depth > 32) throw new Error('the document nests schemas deeper than 32 levels (a cycle?)');
  if (schema.$ref) return resolve(doc, component(doc, schema.$ref), depth + 1);
  if (schema.allOf)
    return resolve(
      doc,
      mergeAll(
        schema.allOf.map((part) => resolve(doc, part, depth + 1)),
        schema,
      ),
      depth + 1,
    );
  const properties =
    schema.properties &&
    Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [
        name,
        resolve(doc, property, depth + 1),
      ]),
    );
  const items = schema.items && resolve(doc, schema.items, depth + 1);
  return { ...schema, ...(properties && { properties }), ...(items && { items }) };
}

function component(doc: OpenApiDocument, ref: string): Schema {
  const name = ref.replace('#/components/schemas/', '');
  const found = doc.components?.schemas?.[name];
  if (!found) throw new Error(`the document refers to ${ref}, which it does not define`);
  return found;
}

function mergeAll(parts: Schema[], own: Schema): Schema {
  const { allOf: _allOf, ...rest } = own;
  return parts.reduce<Schema>(
    (merged, part) => ({
      ...part,
      ...merged,
      type: merged.type ?? part.type,
      properties: { ...part.properties, ...merged.properties },
      required: [...(part.required ?? []), ...(merged.required ?? [])],
    }),
    rest,
  );
}
