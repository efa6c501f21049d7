/** A command line split into positionals and `--flag value` / `--flag=value` / `--switch` options. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

/** Flags that take no value; every other `--name` takes the next word (or `=value`). */
export function parseArgs(argv: readonly string[], switches: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith("--")) {
      positionals.push(word);
      continue;
    }
    const [name, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (inline !== undefined) flags[name] = inline;
    else if (switches.has(name)) flags[name] = true;
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value.`);
      flags[name] = value;
      i++;
    }
  }
  return { positionals, flags };
}

/** A mistake in the command line: printed with the command's usage, exit status 2. */
export class UsageError extends Error {}
