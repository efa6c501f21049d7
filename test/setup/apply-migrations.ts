import { applyD1Migrations, env } from "cloudflare:test";

// Idempotent: applied migrations are recorded in d1_migrations, as wrangler records them.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
