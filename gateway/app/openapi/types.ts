/** The few OpenAPI 3.1 shapes the gateway builds and merges (loose: JSON Schema objects stay `JsonObject`). */

/** Any JSON object. */
export type JsonObject = { [key: string]: unknown };

/** An operation: the parts this code reads; everything else passes through. */
export interface OperationObject extends JsonObject {
  readonly summary?: string;
  readonly operationId?: string;
  readonly tags?: readonly string[];
}

/** HTTP methods of a path item. */
export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type PathItem = Partial<Record<HttpMethod, OperationObject>> & { summary?: string; description?: string };

/** An OpenAPI document, as far as merging needs to know. */
export interface OpenApiDocument extends JsonObject {
  openapi: string;
  info: JsonObject;
  paths: Record<string, PathItem>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string; description?: string }[];
}
