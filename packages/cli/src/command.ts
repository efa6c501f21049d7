import { UsageError } from "./args";
import type { CommandContext } from "./context";

/** One command: its words, what it does, its usage line, its on/off flags, and its handler. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  switches?: readonly string[];
  run(ctx: CommandContext): Promise<void>;
}

export const positional = (ctx: CommandContext, index: number, what: string): string => {
  const value = ctx.args.positionals[index];
  if (value === undefined) throw new UsageError(`missing ${what}.`);
  return value;
};

export const option = (ctx: CommandContext, name: string): string | undefined => {
  const value = ctx.args.flags[name];
  return typeof value === "string" ? value : undefined;
};

export const required = (ctx: CommandContext, name: string): string => {
  const value = option(ctx, name);
  if (value === undefined) throw new UsageError(`--${name} is required.`);
  return value;
};

/** A JSON argument given inline or as @FILE. */
export async function jsonArgument(ctx: CommandContext, name: string, raw: string): Promise<unknown> {
  const text = raw.startsWith("@")
    ? new TextDecoder().decode(await ctx.io.files.readBytes(raw.slice(1)))
    : raw;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} is not JSON${raw.startsWith("@") ? ` (in ${raw.slice(1)})` : ""}.`);
  }
}

/**
 * A progress line on stderr, redrawn in place; only on a terminal and never with --json, so piped
 * and machine-read output stays clean.
 */
export function progress(
  ctx: CommandContext,
  label: string,
): { update(done: number, total: number): void; end(): void } {
  const shown = ctx.io.isTTY && !ctx.json;
  let drawn = false;
  return {
    update(done, total) {
      if (!shown) return;
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      const bar = "#".repeat(Math.floor(percent / 5)).padEnd(20, ".");
      ctx.io.stderr(`\r${label} [${bar}] ${String(percent).padStart(3)}%`);
      drawn = true;
    },
    end() {
      if (drawn) ctx.io.stderr("\n");
      drawn = false;
    },
  };
}
