/** The page table: one row per URL pattern, first match wins. */
import type { ComponentChildren } from "preact";
import { authHeader, signOut } from "./api/credentials";
import { Link } from "./components/link";
import { ComparePage } from "./pages/compare";
import { ExperimentsPage } from "./pages/experiments";
import { GatewayPage } from "./pages/gateway";
import { GatewayEndpointPage } from "./pages/gateway-endpoint";
import { LoggedModelPage } from "./pages/logged-model";
import { LoginPage } from "./pages/login";
import { ModelPage } from "./pages/model";
import { ModelVersionPage } from "./pages/model-version";
import { ModelsPage } from "./pages/models";
import { RunPage } from "./pages/run";
import { RunsPage } from "./pages/runs";
import { TracePage } from "./pages/trace";
import { TracesPage } from "./pages/traces";
import { matchPath, navigate, useLocation } from "./router";

type Page = (params: Record<string, string>) => ComponentChildren;

const PAGES: [string, Page][] = [
  ["/", () => <ExperimentsPage />],
  ["/experiments/:id", (p) => <RunsPage experimentId={p.id as string} />],
  ["/experiments/:id/traces", (p) => <TracesPage experimentId={p.id as string} />],
  ["/runs/:id", (p) => <RunPage runId={p.id as string} />],
  ["/compare", () => <ComparePage />],
  ["/models", () => <ModelsPage />],
  ["/models/:name", (p) => <ModelPage name={p.name as string} />],
  [
    "/models/:name/versions/:version",
    (p) => <ModelVersionPage name={p.name as string} version={p.version as string} />,
  ],
  ["/traces/:id", (p) => <TracePage traceId={p.id as string} />],
  ["/logged-models/:id", (p) => <LoggedModelPage modelId={p.id as string} />],
  // Not /gateway/...: those paths are the worker's (invocations, wrangler.toml run_worker_first).
  ["/ai-gateway", () => <GatewayPage />],
  ["/ai-gateway/:name", (p) => <GatewayEndpointPage name={p.name as string} />],
  ["/login", () => <LoginPage />],
];

function Nav() {
  const signedIn = authHeader() !== null;
  return (
    <nav class="top">
      <Link href="/" class="brand">
        Edgeflow
      </Link>
      <Link href="/">Experiments</Link>
      <Link href="/models">Models</Link>
      <Link href="/ai-gateway">AI Gateway</Link>
      <span class="spacer" />
      {signedIn ? (
        <button
          type="button"
          class="link"
          onClick={() => {
            signOut();
            navigate("/login");
          }}
        >
          Sign out
        </button>
      ) : (
        <Link href="/login">Sign in</Link>
      )}
    </nav>
  );
}

export function App() {
  const url = useLocation();
  let page: ComponentChildren = (
    <div class="error" role="alert">
      <strong>NOT_FOUND</strong> No page at {url.pathname}. <Link href="/">Experiments</Link>
    </div>
  );
  for (const [pattern, render] of PAGES) {
    const params = matchPath(pattern, url.pathname);
    if (params) {
      page = render(params);
      break;
    }
  }
  return (
    <>
      <Nav />
      <main>{page}</main>
    </>
  );
}
