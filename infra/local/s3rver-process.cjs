// Runs s3rver (an S3-compatible server) on 127.0.0.1 in its own plain Node process: its koa
// dependency misbehaves under TypeScript loaders, and a child process also dies with its parent.
// Usage: node s3rver-process.cjs <directory> <bucket> [port]; prints {"port": N} once listening.
"use strict";
const S3rver = require("s3rver");

const [directory, bucket, port = "0"] = process.argv.slice(2);
const server = new S3rver({
  address: "127.0.0.1",
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket, configs: [] }],
});
server.run().then((address) => {
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
// The parent holds our stdin open; when it goes away, so do we.
process.stdin.resume();
process.stdin.on("end", () => server.close().finally(() => process.exit(0)));
