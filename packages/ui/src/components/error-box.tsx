import { ApiError } from "../api/client";
import { Link } from "./link";

/** An API failure as a message: MLflow's error code and text, and a way forward for auth errors. */
export function ErrorBox({ error }: { error: unknown }) {
  const api = error instanceof ApiError ? error : undefined;
  const code = api?.code ?? "ERROR";
  const message = api?.message ?? String(error instanceof Error ? error.message : error);
  return (
    <div class="error" role="alert">
      <strong>{code}</strong> {message}
      {api?.status === 401 && (
        <div>
          This server needs you to{" "}
          <Link href={`/login?next=${encodeURIComponent(location.pathname)}`}>sign in</Link>.
        </div>
      )}
      {api?.status === 403 && (
        <div>You don't have permission for this. Ask an owner or an admin to share it.</div>
      )}
    </div>
  );
}
