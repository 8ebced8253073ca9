/** Lower-case so it needs no quoting: `-c search_path=` and `CREATE SCHEMA` then agree. */
const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (SCHEMA_RE.test(schema)) return schema;
  throw new Error(
    `invalid PostgreSQL schema "${schema}": use 1-63 lower-case letters, digits or '_', not starting with a digit`,
  );
}

export interface PostgresTarget {
  /** What `pg` connects with: the given URL without `schema` (and `options`, folded below). */
  connectionString: string;
  schema: string | undefined;
  /** Startup `options` for the server, with `-c search_path=<schema>` when a schema is set. */
  options: string | undefined;
}

/**
 * Splits Brink's own `?schema=name` off a PostgreSQL URL. A URL's `options` parameter would
 * override the pool's, so it is moved out and merged with the search path instead.
 */
export function postgresTarget(url: string, schemaOption?: string): PostgresTarget {
  const parsed = new URL(url);
  const fromUrl = parsed.searchParams.get("schema") ?? undefined;
  const given = parsed.searchParams.get("options") ?? undefined;
  parsed.searchParams.delete("schema");
  parsed.searchParams.delete("options");
  const schema = schemaOption ?? fromUrl;
  if (schema !== undefined) assertSchemaName(schema);
  const searchPath = schema === undefined ? undefined : `-c search_path=${schema}`;
  const options = [given, searchPath].filter((o) => o !== undefined && o !== "").join(" ");
  return { connectionString: parsed.toString(), schema, options: options || undefined };
}
