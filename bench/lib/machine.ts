/** Facts about the machine and the software measured, printed with every result. */
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  versions: Record<string, string>;
}

function packageVersion(root: string, name: string): string {
  try {
    const file = join(root, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

export function machineFacts(root: string): MachineFacts {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    versions: Object.fromEntries(
      ["wrangler", "miniflare", "workerd", "drizzle-orm"].map((name) => [name, packageVersion(root, name)]),
    ),
  };
}
