import { defineConfig } from "drizzle-kit";

// drizzle-kit writes migrations straight into the folder wrangler applies (wrangler.toml's
// migrations_dir), so local D1, remote D1 and the tests share one set of SQL files.
export default defineConfig({
  dialect: "sqlite",
  schema: "./packages/schema/src/tables/index.ts",
  out: "./packages/schema/migrations",
});
