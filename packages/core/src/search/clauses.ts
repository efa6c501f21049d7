import { invalid, snippet } from "./errors";
import { type Token, tokenize } from "./tokenizer";

/**
 * The syntax shared by run and experiment filters: `<identifier> <comparator> <value>` clauses
 * joined by AND. What the identifier, comparator and value mean is decided by the callers, so
 * this layer reports only the errors MLflow raises before looking at meanings.
 */

export type RawValue =
  | { kind: "number"; value: number; text: string }
  | { kind: "string"; value: string; text: string }
  /** A bare, backticked or double-quoted name where a value belongs (`"LR"` is a string to MLflow). */
  | { kind: "identifier"; text: string }
  /** A parenthesised list; its elements are checked by whoever accepts lists. */
  | { kind: "list"; text: string; elements: Token[]; wellFormed: boolean }
  /** No value: the clause is `<identifier> IS [NOT] NULL` (only with the `nullChecks` option). */
  | { kind: "none"; text: "" };

export interface ClauseOptions {
  /** Accept `IS NULL` and `IS NOT NULL` (MLflow 3's trace filters); elsewhere they stay invalid. */
  nullChecks?: boolean;
}

export interface RawClause {
  /** The identifier's source text, quotes included. */
  identifier: string;
  /** `=`, `<`, ... as written (invalid ones included), or LIKE, ILIKE, IN, NOT IN, IS [NOT] NULL upper-cased. */
  comparator: string;
  value: RawValue;
  /** The clause's source text, for error messages. */
  text: string;
}

class ClauseSyntaxError extends Error {}

function invalidClauses(text: string) {
  return invalid(`Invalid clause(s) in filter string: '${snippet(text)}'`);
}

class ClauseParser {
  private i = 0;

  constructor(
    private readonly input: string,
    private readonly tokens: Token[],
    private readonly options: ClauseOptions = {},
  ) {}

  parseAll(): RawClause[] {
    const clauses: RawClause[] = [];
    if (this.tokens.length === 0) return clauses;
    const semicolon = this.tokens.findIndex((token) => token.kind === "semicolon");
    if (semicolon !== -1 && semicolon < this.tokens.length - 1) {
      throw invalid(
        `Search filter contained multiple expression '${snippet(this.input)}'. Provide AND-ed expression list.`,
      );
    }
    for (;;) {
      const start = this.i;
      try {
        clauses.push(this.clause());
        if (this.i === this.tokens.length) return clauses;
        const and = this.peek() as Token;
        if (and.word !== "AND") throw new ClauseSyntaxError();
        if (this.i === this.tokens.length - 1) throw invalidClauses(this.input.slice(and.start));
        this.i += 1;
      } catch (error) {
        if (error instanceof ClauseSyntaxError) throw invalidClauses(this.clauseText(start));
        throw error;
      }
    }
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const token = this.tokens[this.i];
    if (token === undefined) throw new ClauseSyntaxError();
    this.i += 1;
    return token;
  }

  /** From the clause's first token to the next top-level AND (or the end). */
  private clauseText(start: number): string {
    const from = this.tokens[start]?.start ?? 0;
    let depth = 0;
    for (let j = start + 1; j < this.tokens.length; j += 1) {
      const token = this.tokens[j] as Token;
      if (token.kind === "lparen") depth += 1;
      else if (token.kind === "rparen") depth -= 1;
      else if (depth === 0 && token.word === "AND") return this.input.slice(from, token.start).trim();
    }
    return this.input.slice(from).trim();
  }

  private clause(): RawClause {
    const first = this.next();
    if (first.kind !== "identifier") {
      if ((first.kind === "number" || first.kind === "string") && this.peek()?.kind === "operator") {
        throw invalid(`Invalid comparison clause. Expected 'Identifier' found '${snippet(first.text)}'`);
      }
      throw new ClauseSyntaxError();
    }
    const comparator = this.comparator();
    const value: RawValue = comparator.startsWith("IS ") ? { kind: "none", text: "" } : this.value();
    const last = this.tokens[this.i - 1] as Token;
    return { identifier: first.text, comparator, value, text: this.input.slice(first.start, last.end) };
  }

  private comparator(): string {
    const token = this.next();
    if (token.kind === "operator") return token.text;
    if (token.word === "LIKE" || token.word === "ILIKE" || token.word === "IN") return token.word;
    if (token.word === "NOT" && this.next().word === "IN") return "NOT IN";
    if (token.word === "IS" && this.options.nullChecks) {
      const not = this.peek()?.word === "NOT";
      if (not) this.i += 1;
      if (this.next().word === "NULL") return not ? "IS NOT NULL" : "IS NULL";
    }
    throw new ClauseSyntaxError();
  }

  private value(): RawValue {
    const token = this.next();
    switch (token.kind) {
      case "number":
        return { kind: "number", value: Number(token.text), text: token.text };
      case "string":
        return { kind: "string", value: token.text.slice(1, -1), text: token.text };
      case "identifier":
        return { kind: "identifier", text: token.text };
      case "lparen":
        return this.list(token);
      default:
        throw new ClauseSyntaxError();
    }
  }

  /** `( elem (, elem)* )`; anything else inside balanced parentheses is an ill-formed list. */
  private list(open: Token): RawValue {
    // Elements at even positions, commas at odd ones, when well formed.
    const items: Token[] = [];
    let wellFormed = true;
    let depth = 1;
    for (;;) {
      const token = this.next();
      if (token.kind === "lparen") depth += 1;
      if (token.kind === "rparen") depth -= 1;
      if (depth === 0) {
        if (items.length % 2 === 0 && items.length > 0) wellFormed = false;
        const elements = items.filter((_, index) => index % 2 === 0);
        return { kind: "list", text: this.input.slice(open.start, token.end), elements, wellFormed };
      }
      const isElement = depth === 1 && ["string", "number", "identifier"].includes(token.kind);
      if (items.length % 2 === 0 ? !isElement : token.kind !== "comma") wellFormed = false;
      items.push(token);
    }
  }
}

/** Splits a filter into raw clauses; an empty or blank filter has none. */
export function parseClauses(input: string, options: ClauseOptions = {}): RawClause[] {
  return new ClauseParser(input, tokenize(input), options).parseAll();
}
