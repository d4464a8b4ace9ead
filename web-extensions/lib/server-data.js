// Reading the server without ever throwing. The panel asks routes that a given server may not
// have (/jcomfy/ranks exists only where parallelism does; a stock ComfyUI has no /jcomfy/ at all),
// so every answer becomes a value the panel can print, and a missing route or a failure is a
// state to show, not an exception, an error dialog or a broken canvas.

/**
 * GET `route` (as the frontend's api.fetchApi spells it: "/system_stats" means /api/system_stats).
 * Resolves to {state: "ok", data}, {state: "missing"} for a 404, or {state: "error", detail}.
 */
export async function getJson(api, route) {
  try {
    const response = typeof api?.fetchApi === "function"
      ? await api.fetchApi(route, { cache: "no-store" })
      : await fetch(`api${route}`, { cache: "no-store" });
    if (response.status === 404) return { state: "missing" };
    if (!response.ok) return { state: "error", detail: `HTTP ${response.status}` };
    return { state: "ok", data: await response.json() };
  } catch (e) {
    return { state: "error", detail: String(e?.message ?? e) };
  }
}

/** `fn`, but an exception it throws is logged at debug level and swallowed (event handlers, drawing). */
export function quietly(label, fn) {
  return function (...args) {
    try {
      return fn.apply(this, args);
    } catch (e) {
      console.debug(`jcomfy: ${label} failed:`, e);
      return undefined;
    }
  };
}
