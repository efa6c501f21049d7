import { defineConfig } from "vite";

// Preact's automatic JSX runtime through Vite 8's built-in oxc transform (no preset plugin).
// Charts (uPlot) are a separate chunk loaded on first use, so the first page stays small.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
});
