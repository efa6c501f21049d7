import { artifactPath, downloadArtifact, listArtifacts } from "@edgeflow/sdk";
import { UsageError } from "./args";
import { type Command, option, positional, progress, required } from "./command";
import type { CommandContext } from "./context";
import { table } from "./output";
import { diskFile, memoryFile, uploadAll } from "./upload";

/** The --run-id run's id and artifact URI (read only: these commands never change the run). */
async function runOf(ctx: CommandContext): Promise<{ id: string; artifactUri: string | undefined }> {
  const { run } = await ctx.client.getRun({ run_id: required(ctx, "run-id") });
  return { id: run?.info?.run_id ?? "", artifactUri: run?.info?.artifact_uri };
}

const artifactPathOption = (ctx: CommandContext) =>
  (option(ctx, "artifact-path") ?? "").replace(/^\/+|\/+$/g, "");

export const ARTIFACT_COMMANDS: readonly Command[] = [
  {
    name: "artifacts list",
    summary: "list a run's artifacts (one folder)",
    usage: "edgeflow artifacts list --run-id ID [--artifact-path PATH]",
    async run(ctx) {
      const run = await runOf(ctx);
      const folder = artifactPathOption(ctx);
      const listed = await listArtifacts(ctx.client, artifactPath(run.artifactUri, folder));
      // Paths from the run's root, as `mlflow artifacts list` prints them.
      const files = listed.map((file) => ({
        ...file,
        path: folder ? `${folder}/${file.path}` : (file.path ?? ""),
      }));
      ctx.print(
        files,
        table(
          ["PATH", "SIZE"],
          files.map((file) => [
            `${file.path}${file.is_dir ? "/" : ""}`,
            file.is_dir ? "" : String(file.file_size ?? ""),
          ]),
        ),
      );
    },
  },
  {
    name: "artifacts upload",
    summary: "upload a file or a folder to a run's artifacts",
    usage: "edgeflow artifacts upload LOCAL_PATH --run-id ID [--artifact-path PATH]",
    async run(ctx) {
      const fs = ctx.io.files;
      const local = positional(ctx, 0, "the LOCAL_PATH to upload");
      const run = await runOf(ctx);
      const dest = artifactPathOption(ctx);
      const listed = await fs.listFiles(local);
      const files = listed
        ? listed.map((file) => diskFile(fs, fs.join(local, file.path), file.path, file.size))
        : [await singleFile(ctx, local)];
      await uploadAll(ctx, run.artifactUri, dest, files);
      const bytes = files.reduce((sum, file) => sum + file.size, 0);
      ctx.print(
        {
          run_id: run.id,
          artifact_uri: `${run.artifactUri}${dest ? `/${dest}` : ""}`,
          files: files.length,
          bytes,
        },
        `uploaded ${files.length} file(s), ${bytes} bytes, to ${run.artifactUri}${dest ? `/${dest}` : ""}`,
      );
    },
  },
  {
    name: "artifacts download",
    summary: "download a run's artifact file or folder",
    usage: "edgeflow artifacts download --run-id ID [--artifact-path PATH] [--dst-path DIR]",
    async run(ctx) {
      const fs = ctx.io.files;
      const run = await runOf(ctx);
      const root = artifactPath(run.artifactUri, "");
      const start = artifactPathOption(ctx);
      const dst = option(ctx, "dst-path") ?? ".";
      // Walk folders through the listing first (a path that lists nothing is a file), so the
      // progress line knows the total.
      const files: { relative: string; size: number }[] = [];
      const visit = async (relative: string): Promise<void> => {
        const entries = await listArtifacts(ctx.client, relative ? `${root}/${relative}` : root);
        if (entries.length === 0 && relative) files.push({ relative, size: 0 });
        for (const entry of entries) {
          const child = relative ? `${relative}/${entry.path?.split("/").pop()}` : (entry.path ?? "");
          if (entry.is_dir) await visit(child);
          else files.push({ relative: child, size: Number(entry.file_size ?? 0) });
        }
      };
      await visit(start);
      const total = files.reduce((sum, file) => sum + file.size, 0);
      const bar = progress(ctx, "downloading");
      let done = 0;
      const written: string[] = [];
      try {
        for (const file of files) {
          const target = fs.join(dst, file.relative);
          const body = await downloadArtifact(ctx.client.transport, `${root}/${file.relative}`);
          const counted = body.pipeThrough(
            new TransformStream<Uint8Array, Uint8Array>({
              transform(chunk, controller) {
                done += chunk.byteLength;
                bar.update(done, Math.max(total, done));
                controller.enqueue(chunk);
              },
            }),
          );
          await fs.writeStream(target, counted);
          written.push(target);
        }
      } finally {
        bar.end();
      }
      ctx.print({ run_id: run.id, files: written }, written.join("\n"));
    },
  },
];

async function singleFile(ctx: CommandContext, local: string) {
  const fs = ctx.io.files;
  const bytes = await fs.readBytes(local).catch(() => {
    throw new UsageError(`'${local}' is neither a file nor a folder.`);
  });
  return memoryFile(fs.basename(local), bytes);
}
