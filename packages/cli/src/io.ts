/** What the CLI needs from its runtime; Node gives the real ones (node.ts), tests their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Tables and progress on a terminal; plain lines otherwise. */
  isTTY: boolean;
  fetch?: (request: Request) => Promise<Response>;
  /** Reads a file named by `@FILE` arguments. */
  readFile(path: string): Promise<string>;
}
