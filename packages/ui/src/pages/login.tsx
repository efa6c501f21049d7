/** Sign in with a username and password (HTTP Basic) or an API token (Bearer), checked at once. */
import { useState } from "preact/hooks";
import { signIn, signOut } from "../api/credentials";
import { searchExperiments } from "../api/tracking";
import { ErrorBox } from "../components/error-box";
import { navigate, useQueryState } from "../router";

export function LoginPage() {
  const [query] = useQueryState();
  const [form, setForm] = useState({ username: "", password: "", token: "" });
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    signIn(form.token ? { token: form.token } : { username: form.username, password: form.password });
    try {
      await searchExperiments({});
      navigate(query.get("next") || "/");
    } catch (failure) {
      signOut();
      setError(failure);
    }
  };
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onInput: (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: e.currentTarget.value }),
  });
  return (
    <form onSubmit={(e) => void submit(e)} style={{ maxWidth: 360, display: "grid", gap: 8 }}>
      <h1>Sign in</h1>
      <input name="username" placeholder="Username" autocomplete="username" {...field("username")} />
      <input
        name="password"
        type="password"
        placeholder="Password"
        autocomplete="current-password"
        {...field("password")}
      />
      <p class="muted">or an API token (efp_…)</p>
      <input name="token" placeholder="Token" {...field("token")} />
      <button type="submit" class="primary">
        Sign in
      </button>
      {error !== undefined && <ErrorBox error={error} />}
    </form>
  );
}
