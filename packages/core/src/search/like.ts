import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { invalid, snippet } from "./errors";

/**
 * MLflow's LIKE is case-sensitive and ILIKE is not, with `%` and `_` as the only wildcards (no
 * escape character, as on MLflow's SQLite store). SQLite's LIKE ignores ASCII case, and D1 caps
 * LIKE and GLOB patterns at 50 bytes, so the common shapes become comparisons without any
 * pattern and only the rest are matched with GLOB (case-sensitive) or LIKE (case-insensitive).
 */

/** D1's SQLITE_LIMIT_LIKE_PATTERN_LENGTH, in UTF-8 bytes. */
export const MAX_PATTERN_BYTES = 50;

export type LikeShape =
  | { kind: "any" } // "%": every non-null value
  | { kind: "exact" | "prefix" | "suffix" | "contains"; text: string }
  | { kind: "glob"; pattern: string } // case-sensitive, already translated to GLOB syntax
  | { kind: "like"; pattern: string }; // case-insensitive, SQLite LIKE syntax

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** LIKE's `%` and `_` as GLOB's `*` and `?`, with GLOB's own metacharacters made literal. */
export function likeToGlob(pattern: string): string {
  let glob = "";
  for (const ch of pattern) {
    if (ch === "%") glob += "*";
    else if (ch === "_") glob += "?";
    else if (ch === "*" || ch === "?" || ch === "[") glob += `[${ch}]`;
    else glob += ch;
  }
  return glob;
}

/** Classifies a LIKE/ILIKE pattern; throws if it needs a pattern longer than D1 accepts. */
export function classifyLike(rawPattern: string, caseInsensitive: boolean): LikeShape {
  // Consecutive %s match exactly what one % matches.
  const pattern = rawPattern.replace(/%+/g, "%");
  if (pattern === "%") return { kind: "any" };
  const leading = pattern.startsWith("%");
  const trailing = pattern.endsWith("%");
  const text = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (!/[%_]/.test(text)) {
    const kind = leading ? (trailing ? "contains" : "suffix") : trailing ? "prefix" : "exact";
    return { kind, text };
  }
  const shape: LikeShape = caseInsensitive
    ? { kind: "like", pattern }
    : { kind: "glob", pattern: likeToGlob(pattern) };
  const bytes = utf8Bytes(shape.pattern);
  if (bytes > MAX_PATTERN_BYTES) {
    throw invalid(
      `${caseInsensitive ? "ILIKE" : "LIKE"} pattern '${snippet(rawPattern)}' is too long: a pattern with ` +
        `wildcards other than a single leading and/or trailing '%' is limited to ${MAX_PATTERN_BYTES} bytes ` +
        `(UTF-8) by the database, and this one needs ${bytes}.`,
    );
  }
  return shape;
}

/** The SQL condition `column [I]LIKE pattern` for an already classified pattern. */
export function likeSql(column: SQLWrapper, shape: LikeShape, caseInsensitive: boolean): SQL {
  // SQLite's lower() folds ASCII only, so both sides are folded by it alike.
  const target = caseInsensitive ? sql`lower(${column})` : sql`${column}`;
  const value = (text: string) => (caseInsensitive ? sql`lower(${text})` : sql`${text}`);
  // substr() and length() count characters; so does iterating a string by code points.
  const length = (text: string) => sql.raw(String([...text].length));
  switch (shape.kind) {
    case "any":
      return sql`${column} IS NOT NULL`;
    case "exact":
      return sql`${target} = ${value(shape.text)}`;
    case "prefix":
      return sql`substr(${target}, 1, ${length(shape.text)}) = ${value(shape.text)}`;
    case "suffix":
      return sql`substr(${target}, -${length(shape.text)}) = ${value(shape.text)}`;
    case "contains":
      return sql`instr(${target}, ${value(shape.text)}) > 0`;
    case "glob":
      return sql`${column} GLOB ${shape.pattern}`;
    case "like":
      return sql`${target} LIKE ${value(shape.pattern)}`;
  }
}
