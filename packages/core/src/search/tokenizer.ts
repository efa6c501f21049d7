/**
 * A tokenizer for MLflow's search language (filters and order_by entries). MLflow runs these
 * strings through sqlparse; this accepts the same shapes without pretending to be SQL: the
 * parser, not the tokenizer, decides what is an error, so a bad character becomes an `invalid`
 * token covering the rest of the input and is reported as an invalid clause.
 */

export type TokenKind =
  | "identifier" // `metrics.acc`, metrics.`my metric`, "run name", tags.mlflow.runName (quotes kept)
  | "string" // a single-quoted literal, quotes kept
  | "number"
  | "operator" // a run of comparison characters; the parser decides which runs are comparators
  | "keyword" // a bare reserved word, upper-cased in `word`
  | "lparen"
  | "rparen"
  | "comma"
  | "semicolon"
  | "invalid";

export interface Token {
  kind: TokenKind;
  /** The exact source text. */
  text: string;
  /** For keywords, the upper-cased word. */
  word?: string;
  start: number;
  end: number;
}

// Words sqlparse treats as keywords; any of them where a key or value belongs makes the clause
// invalid, as in MLflow ("attribute.status = true", "foo IS NULL", "a OR b").
const KEYWORDS = new Set([
  "AND",
  "OR",
  "NOT",
  "IN",
  "LIKE",
  "ILIKE",
  "IS",
  "NULL",
  "TRUE",
  "FALSE",
  "BETWEEN",
]);

const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const OPERATOR = /[<>=!~]+/y;
const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;

/**
 * The end of a quoted run starting at `start`, or -1 if it is unterminated. A doubled quote is
 * part of the text; inside ' and " a backslash escapes the quote too, unless that leaves the
 * string unterminated (sqlparse's regular expressions backtrack the same way).
 */
function quotedEnd(input: string, start: number): number {
  const quote = input[start] as string;
  const scan = (backslashEscapes: boolean): number => {
    let i = start + 1;
    while (i < input.length) {
      const ch = input[i];
      if (ch === quote) {
        if (input[i + 1] === quote) i += 2;
        else return i + 1;
      } else if (backslashEscapes && ch === "\\" && i + 1 < input.length) i += 2;
      else i += 1;
    }
    return -1;
  };
  if (quote === "`") return scan(false);
  const end = scan(true);
  return end !== -1 ? end : scan(false);
}

/** The end of one identifier segment (bare word or quoted), or -1. */
function segmentEnd(input: string, start: number, allowLeadingDigit: boolean): number {
  const ch = input[start];
  if (ch === undefined) return -1;
  if (ch === "`" || ch === '"') return quotedEnd(input, start);
  const first = allowLeadingDigit ? WORD_PART : WORD_START;
  if (!first.test(ch)) return -1;
  let i = start + 1;
  while (i < input.length && WORD_PART.test(input[i] as string)) i += 1;
  return i;
}

/** A dotted identifier: segment ('.' segment)*, with no spaces around the dots. */
function identifierEnd(input: string, start: number): number {
  let end = segmentEnd(input, start, false);
  while (end !== -1 && input[end] === ".") {
    end = segmentEnd(input, end + 1, true);
  }
  return end;
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, start: number, end: number, word?: string) => {
    const token: Token = { kind, text: input.slice(start, end), start, end };
    if (word !== undefined) token.word = word;
    tokens.push(token);
  };
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    let end = -1;
    let kind: TokenKind = "invalid";
    if (ch === "'") {
      end = quotedEnd(input, i);
      kind = "string";
    } else if (ch === "(" || ch === ")" || ch === "," || ch === ";") {
      end = i + 1;
      kind = ch === "(" ? "lparen" : ch === ")" ? "rparen" : ch === "," ? "comma" : "semicolon";
    } else if (/[-.\d]/.test(ch)) {
      NUMBER.lastIndex = i;
      if (NUMBER.test(input) && !WORD_PART.test(input[NUMBER.lastIndex] ?? " ")) {
        end = NUMBER.lastIndex;
        kind = "number";
      }
    } else if (/[<>=!~]/.test(ch)) {
      OPERATOR.lastIndex = i;
      OPERATOR.test(input);
      end = OPERATOR.lastIndex;
      kind = "operator";
    } else {
      end = identifierEnd(input, i);
      kind = "identifier";
    }
    if (end === -1) {
      push("invalid", i, input.length);
      break;
    }
    const text = input.slice(i, end);
    const upper = text.toUpperCase();
    if (kind === "identifier" && KEYWORDS.has(upper)) push("keyword", i, end, upper);
    else push(kind, i, end);
    i = end;
  }
  return tokens;
}

/** True for an identifier token that is one double-quoted segment, which MLflow reads as a string. */
export function isDoubleQuoted(text: string): boolean {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') && quotedEnd(text, 0) === text.length;
}
