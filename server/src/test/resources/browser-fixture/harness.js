// Loads the server's extensions as the official frontend does (GET /api/extensions, skip the
// core ones, import each), runs the stand-in app's setup, then tells the test it is ready.
// With ?no-sidebar the app has no extensionManager, as frontends before sidebar tabs.
import { app } from "./scripts/app.js";
import { api } from "./scripts/api.js";

if (new URLSearchParams(location.search).has("no-sidebar")) delete app.extensionManager;
window.app = app;
window.api = api;
try {
  const urls = await (await api.fetchApi("/extensions")).json();
  await Promise.all(urls.filter((u) => !u.includes("extensions/core")).map((u) => import(`${api.api_base}${u}`)));
  await app.setup();
  window.standInReady = true;
} catch (e) {
  window.standInFailure = String(e?.stack ?? e);
}
