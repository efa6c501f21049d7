import { MlflowError } from "@edgeflow/sdk";
import { parseArgs, UsageError } from "./args";
import type { Command } from "./command";
import { COMMANDS, DoctorFailed } from "./commands";
import { commandContext } from "./context";
import type { CliIo } from "./io";

export type { CliIo } from "./io";

const GLOBAL_SWITCHES = ["json", "help"];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: edgeflow <command> [options]",
    "",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "global options:",
    "  --tracking-uri URL   the tracking server (default $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000)",
    "  --inference-uri URL  the inference worker (default: the tracking server's /edgeflow/info, else",
    "                       $EDGEFLOW_INFERENCE_URI, else http://127.0.0.1:5001)",
    "  --json               one JSON document on stdout, nothing else",
    "  --help               this text, or a command's usage",
  ].join("\n");
}

/** The longest command whose words start the positionals ("models list" before "models"). */
function findCommand(positionals: readonly string[]): Command | undefined {
  return [...COMMANDS]
    .sort((a, b) => b.name.length - a.name.length)
    .find((c) => c.name.split(" ").every((word, i) => positionals[i] === word));
}

/** What to do next for a failure, in one line. */
function nextStep(error: MlflowError, trackingUri: string): string {
  switch (error.errorCode) {
    case "UNAUTHENTICATED":
    case "CUSTOMER_UNAUTHORIZED":
      return "set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN.";
    case "PERMISSION_DENIED":
      return "ask an admin for the permission (docs/auth.md).";
    case "TEMPORARILY_UNAVAILABLE":
      return `is the server at ${trackingUri} running? (npm start, or --tracking-uri / MLFLOW_TRACKING_URI)`;
    default:
      return "";
  }
}

/** Runs one command line; returns the exit status (0 ok, 1 failed, 2 bad command line). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const probe = parseArgs(argv, new Set([...GLOBAL_SWITCHES, ...COMMANDS.flatMap((c) => c.switches ?? [])]));
  const command = findCommand(probe.positionals);
  if (!command) {
    const asked = probe.flags.help === true || probe.positionals.length === 0;
    (asked ? io.stdout : io.stderr)(`${helpText()}\n`);
    if (!asked) io.stderr(`edgeflow: unknown command '${probe.positionals.join(" ")}'.\n`);
    return asked ? 0 : 2;
  }
  if (probe.flags.help === true) {
    io.stdout(`${command.summary}\nusage: ${command.usage}\n`);
    return 0;
  }
  const args = { ...probe, positionals: probe.positionals.slice(command.name.split(" ").length) };
  const ctx = commandContext(args, io);
  try {
    await command.run(ctx);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`edgeflow ${command.name}: ${error.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    if (error instanceof DoctorFailed) {
      io.stderr(`edgeflow doctor: ${error.message}\n`);
      return 1;
    }
    if (error instanceof MlflowError) {
      const hint = nextStep(error, ctx.trackingUri);
      io.stderr(
        `edgeflow ${command.name}: ${error.errorCode}: ${error.message}${hint ? ` — ${hint}` : ""}\n`,
      );
      return 1;
    }
    io.stderr(`edgeflow ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
