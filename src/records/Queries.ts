/**
 * The SQL of the RecordStore, one builder per statement, and the SQL of a
 * `where` filter's conditions. Dialect variants: a condition's JSON tests
 * (`json_type` / `json_each` on SQLite, `jsonb_typeof` /
 * `jsonb_array_elements` on PostgreSQL), ordering by a content path, and the
 * number guard of `stats`.
 */
import type * as Statement from "@effect/sql/Statement"
import { floatTotal, jsonNumber, jsonValue, page, type Sql, unsupported } from "../database/Dialect.js"
import type { WhereCondition, WhereScalar } from "./Where.js"

/** The columns of a record row, in the order `RecordRow` reads them. */
export const RECORD_COLUMNS = "seq, kind, id, content, metadata, embedding, created_at, updated_at"

type Fragment = Statement.Fragment

/** SQLite: the field at `path` is exactly the JSON scalar `value`; 1, 0, or NULL when it is missing. */
const sqliteEquals = (sql: Sql, column: Fragment, path: string, value: WhereScalar): Fragment => {
  const type = sql`json_type(${column}, ${path})`
  if (value === null) return sql`${type} = 'null'`
  if (value === true) return sql`${type} = 'true'`
  if (value === false) return sql`${type} = 'false'`
  return sqliteCompare(sql, column, path, "=", value)
}

/** SQLite: ordered or equality comparison with a string (text fields only) or a number (numeric fields only). */
const sqliteCompare = (sql: Sql, column: Fragment, path: string, operator: string, value: string | number): Fragment =>
  sql`(json_type(${column}, ${path}) ${sql.literal(typeof value === "string" ? "= 'text'" : "IN ('integer', 'real')")} AND json_extract(${column}, ${path}) ${sql.literal(operator)} ${value})`

/** SQLite: a `json_each` row `e` holds exactly the JSON scalar `value`. */
const sqliteElementEquals = (sql: Sql, value: WhereScalar): Fragment => {
  if (value === null) return sql`e.type = 'null'`
  if (value === true) return sql`e.type = 'true'`
  if (value === false) return sql`e.type = 'false'`
  return sql`e.type ${sql.literal(typeof value === "string" ? "= 'text'" : "IN ('integer', 'real')")} AND e.atom = ${value}`
}

const sqliteCondition = (sql: Sql, column: Fragment, { jsonPath: path, test }: WhereCondition): Fragment => {
  switch (test._tag) {
    case "Equals":
      return sqliteEquals(sql, column, path, test.value)
    case "NotEquals":
      // A missing field is "not equal": the equality is NULL then, counted as false.
      return sql`(NOT COALESCE(${sqliteEquals(sql, column, path, test.value)}, 0))`
    case "Compare":
      return sqliteCompare(sql, column, path, test.operator, test.value)
    case "In": {
      // One bound JSON array, whatever its length; `v` rows are compared type-exactly,
      // integers and reals counting as one type.
      const type = sql`json_type(${column}, ${path})`
      return sql`EXISTS (SELECT 1 FROM json_each(${JSON.stringify(test.values)}) AS v WHERE (v.type = ${type} OR (v.type IN ('integer', 'real') AND ${type} IN ('integer', 'real'))) AND v.atom IS json_extract(${column}, ${path}))`
    }
    case "Contains": {
      const inArray = sql`EXISTS (SELECT 1 FROM json_each(${column}, ${path}) AS e WHERE ${sqliteElementEquals(sql, test.value)})`
      const inString = typeof test.value === "string"
        ? sql` WHEN 'text' THEN instr(json_extract(${column}, ${path}), ${test.value}) > 0`
        : sql.literal("")
      return sql`(CASE json_type(${column}, ${path}) WHEN 'array' THEN ${inArray}${inString} ELSE 0 END)`
    }
    case "Exists":
      return sql`json_type(${column}, ${path}) ${sql.literal(test.present ? "IS NOT NULL" : "IS NULL")}`
  }
}

/**
 * Whether `value` is a string PostgreSQL cannot hold (U+0000): no stored
 * string equals or contains it, and it cannot be bound as text.
 */
const unstorable = (value: WhereScalar): value is string => typeof value === "string" && value.includes("\u0000")

/**
 * How a comparison with a string holding U+0000 reads as one with its part
 * before the first U+0000: a stored string (which never holds U+0000) is
 * greater than `v` exactly when it is greater than that prefix, and smaller
 * exactly when it is at most the prefix.
 */
const PREFIX_OPERATOR: Readonly<Record<string, string>> = { "=": "=", ">": ">", ">=": ">", "<": "<=", "<=": "<=" }

/** PostgreSQL: the field at `path` is exactly the JSON scalar `value`; NULL when it is missing. */
const pgEquals = (sql: Sql, column: Fragment, path: string, value: WhereScalar): Fragment =>
  value === null || typeof value === "boolean"
    ? sql`(${jsonValue(sql, column, path)} = ${JSON.stringify(value)}::jsonb)`
    : pgCompare(sql, column, path, "=", value)

/** PostgreSQL: comparison with a string (string fields only, by code point) or a number (number fields only). */
const pgCompare = (sql: Sql, column: Fragment, path: string, operator: string, value: string | number): Fragment => {
  const field = jsonValue(sql, column, path)
  if (unstorable(value)) {
    const test = operator === "="
      ? sql.literal("false")
      : sql`(${field} #>> '{}') COLLATE "C" ${sql.literal(PREFIX_OPERATOR[operator] ?? operator)} ${value.slice(0, value.indexOf("\u0000"))}`
    return sql`(CASE WHEN jsonb_typeof(${field}) = 'string' THEN ${test} END)`
  }
  return typeof value === "string"
    ? sql`(CASE WHEN jsonb_typeof(${field}) = 'string' THEN (${field} #>> '{}') COLLATE "C" ${sql.literal(operator)} ${value} END)`
    : sql`(CASE WHEN jsonb_typeof(${field}) = 'number' THEN (${field} #>> '{}')::numeric ${sql.literal(operator)} ${value}::numeric END)`
}

const pgCondition = (sql: Sql, column: Fragment, { jsonPath: path, test }: WhereCondition): Fragment => {
  const field = jsonValue(sql, column, path)
  switch (test._tag) {
    case "Equals":
      return pgEquals(sql, column, path, test.value)
    case "NotEquals":
      return sql`(NOT COALESCE(${pgEquals(sql, column, path, test.value)}, false))`
    case "Compare":
      return pgCompare(sql, column, path, test.operator, test.value)
    case "In":
      // jsonb equality is type-exact and numeric for numbers (1 = 1.0).
      return sql`EXISTS (SELECT 1 FROM jsonb_array_elements(${JSON.stringify(test.values.filter((value) => !unstorable(value)))}::jsonb) AS v(x) WHERE v.x = ${field})`
    case "Contains": {
      if (unstorable(test.value)) return sql.literal("false")
      const inArray = sql`EXISTS (SELECT 1 FROM jsonb_array_elements(${field}) AS e(x) WHERE e.x = ${JSON.stringify(test.value)}::jsonb)`
      const inString = typeof test.value === "string"
        ? sql` WHEN 'string' THEN strpos(${field} #>> '{}', ${test.value}) > 0`
        : sql.literal("")
      return sql`(CASE jsonb_typeof(${field}) WHEN 'array' THEN ${inArray}${inString} ELSE false END)`
    }
    case "Exists":
      return sql`jsonb_typeof(${field}) ${sql.literal(test.present ? "IS NOT NULL" : "IS NULL")}`
  }
}

/** The conditions of a `where` filter on the JSON documents in `column`, joined with `AND` (`1=1` for none). */
export const whereFragment = (sql: Sql, column: Fragment, conditions: ReadonlyArray<WhereCondition>): Fragment =>
  sql.and(conditions.map((condition) =>
    sql.onDialectOrElse({
      sqlite: () => sqliteCondition(sql, column, condition),
      pg: () => pgCondition(sql, column, condition),
      orElse: unsupported(sql)
    })
  ))

/** A record's row, ready to write. */
export interface RecordInsert {
  readonly kind: string
  readonly id: string
  readonly content: string
  readonly metadata: string | null
  readonly embedding_dim: number | null
  readonly embedding: Uint8Array | null
  readonly created_at: string
  readonly updated_at: string
}

/** Inserts a record, or replaces the one with the same kind and id whole (keeping its `created_at`). */
export const upsertRecord = (sql: Sql, row: RecordInsert) =>
  sql`INSERT INTO records ${sql.insert({ ...row })}
    ON CONFLICT (kind, id) DO UPDATE SET
      updated_at = excluded.updated_at,
      embedding_dim = excluded.embedding_dim,
      embedding = excluded.embedding,
      metadata = excluded.metadata,
      content = excluded.content`

/** One record by kind and id. */
export const selectRecord = (sql: Sql, kind: string, id: string) =>
  sql`SELECT ${sql.literal(RECORD_COLUMNS)} FROM records WHERE kind = ${kind} AND id = ${id}`

/** `created_at` in [`since`, `until`). */
const createdWithin = (sql: Sql, since: string | undefined, until: string | undefined) =>
  sql.and([
    ...(since === undefined ? [] : [sql`created_at >= ${since}`]),
    ...(until === undefined ? [] : [sql`created_at < ${until}`])
  ])

/** How `query` orders records: by a content path or a time column; ties in creation order. */
export type RecordOrdering =
  | { readonly _tag: "Newest" }
  | { readonly _tag: "Path"; readonly jsonPath: string; readonly ascending: boolean }
  | { readonly _tag: "Column"; readonly column: "created_at" | "updated_at"; readonly ascending: boolean }

/**
 * The order by a content path: missing and null values first, then numbers,
 * then strings (SQLite's order of `json_extract` values).
 */
const pathOrder = (sql: Sql, jsonPath: string, direction: Fragment): Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`json_extract(content, ${jsonPath}) ${direction}, seq ${direction}`,
    pg: () => {
      const field = jsonValue(sql, sql`content`, jsonPath)
      // A missing field (SQL NULL) ranks with JSON null, and both tie on the value, as on SQLite.
      return sql`CASE coalesce(jsonb_typeof(${field}), 'null') WHEN 'null' THEN 0 WHEN 'boolean' THEN 1 WHEN 'number' THEN 1
          WHEN 'string' THEN 2 ELSE 3 END ${direction},
        CASE jsonb_typeof(${field}) WHEN 'boolean' THEN to_jsonb((${field})::boolean::int) WHEN 'null' THEN NULL
          ELSE ${field} END ${direction},
        seq ${direction}`
    },
    orElse: unsupported(sql)
  })

/** Records of `kind` matching `where`, created in [`since`, `until`), in `ordering`, one page. */
export const queryRecords = (
  sql: Sql,
  query: {
    readonly kind: string
    readonly where: Fragment
    readonly since: string | undefined
    readonly until: string | undefined
    readonly ordering: RecordOrdering
    readonly limit: number
    readonly offset: number
  }
) => {
  const { ordering } = query
  const direction = sql.literal(ordering._tag !== "Newest" && ordering.ascending ? "ASC" : "DESC")
  const order = ordering._tag === "Newest"
    ? sql`created_at DESC, seq DESC`
    : ordering._tag === "Path"
    ? pathOrder(sql, ordering.jsonPath, direction)
    : sql`${sql.literal(ordering.column)} ${direction}, seq ${direction}`
  return sql`SELECT ${sql.literal(RECORD_COLUMNS)} FROM records
    WHERE kind = ${query.kind} AND ${createdWithin(sql, query.since, query.until)} AND ${query.where}
    ORDER BY ${order}
    ${page(sql, query.limit, query.offset)}`
}

/** The field at `jsonPath` is a JSON number. */
const isNumberAt = (sql: Sql, jsonPath: string): Fragment =>
  sql.onDialectOrElse({
    sqlite: () => sql`json_type(content, ${jsonPath}) IN ('integer', 'real')`,
    pg: () => sql`jsonb_typeof(${jsonValue(sql, sql`content`, jsonPath)}) = 'number'`,
    orElse: unsupported(sql)
  })

/** `count`, `min`, `max`, `avg` and `sum` of the numeric field at `jsonPath` over matching records. */
export const recordStats = (
  sql: Sql,
  query: {
    readonly kind: string
    readonly jsonPath: string
    readonly where: Fragment
    readonly since: string | undefined
    readonly until: string | undefined
  }
) =>
  sql`SELECT count(v) AS count, min(v) AS min, max(v) AS max, avg(v) AS avg, ${floatTotal(sql, sql`v`)} AS sum
    FROM (
      SELECT ${jsonNumber(sql, sql`content`, query.jsonPath)} AS v FROM records
      WHERE kind = ${query.kind} AND ${isNumberAt(sql, query.jsonPath)}
        AND ${createdWithin(sql, query.since, query.until)} AND ${query.where}
    ) AS numbers`

/** A page of the embeddings of `dimension` of records of `kind` matching `where`, after `seq` `after`. */
export const recordVectors = (
  sql: Sql,
  query: { readonly kind: string; readonly dimension: number; readonly where: Fragment },
  after: number,
  size: number
) =>
  sql`SELECT seq, embedding FROM records
    WHERE kind = ${query.kind} AND embedding_dim = ${query.dimension} AND embedding IS NOT NULL AND seq > ${after}
      AND ${query.where}
    ORDER BY seq LIMIT ${size}`

/** The records at the given `seq`s. */
export const recordsBySeq = (sql: Sql, seqs: ReadonlyArray<number>) =>
  sql`SELECT ${sql.literal(RECORD_COLUMNS)} FROM records WHERE ${sql.in("seq", seqs)}`

/** Deletes a record; returns its `seq` when there was one. */
export const deleteRecord = (sql: Sql, kind: string, id: string) =>
  sql`DELETE FROM records WHERE kind = ${kind} AND id = ${id} RETURNING seq`
