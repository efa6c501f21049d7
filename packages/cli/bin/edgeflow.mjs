#!/usr/bin/env node
// `npx edgeflow ...`: the CLI's sources are TypeScript, loaded through tsx's ESM hook.
import { register } from "tsx/esm/api";

register();
const { runInNode } = await import("../src/node.ts");
process.exitCode = await runInNode(process.argv.slice(2));
