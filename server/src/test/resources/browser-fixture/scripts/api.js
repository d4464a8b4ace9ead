// Stand-in for the official frontend's `api` object (src/scripts/api.ts), served as
// /scripts/api.js as the frontend's legacy shim is, so jcomfy's extension imports it unchanged.
// It keeps the parts of the contract the extension relies on: fetchApi prefixes /api; the
// WebSocket's first `status` message gives the client id; execution messages are dispatched as
// CustomEvents whose detail is the message's data, except `status` (its data.status) and
// `executing`, whose detail is the node id (display_node, else node) or null; a type the frontend does not know is dispatched only when
// someone listens for it, as the frontend does for custom node packs' events.
const KNOWN = new Set(["status", "executing", "executed", "progress", "progress_state", "execution_start",
  "execution_success", "execution_error", "execution_cached", "execution_interrupted", "feature_flags", "logs",
  "notification"]);

class StandInApi extends EventTarget {
  constructor() {
    super();
    this.api_base = "";
    this.clientId = null;
    this.registered = new Set();
    /** every message received, for the test to wait on */
    this.received = [];
  }

  fetchApi(route, options) {
    return fetch(`${this.api_base}/api${route}`, options);
  }

  addEventListener(type, callback, options) {
    super.addEventListener(type, callback, options);
    this.registered.add(type);
  }

  /** Opens /ws and resolves once the server has sent the client id. */
  init() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://${location.host}${this.api_base}/ws`);
      socket.addEventListener("open", () => socket.send(JSON.stringify({
        type: "feature_flags", data: { supports_preview_metadata: true },
      })));
      socket.addEventListener("error", () => reject(new Error("the WebSocket failed")));
      socket.addEventListener("message", (event) => {
        if (typeof event.data !== "string") return; // previews: not needed here
        const msg = JSON.parse(event.data);
        this.received.push(msg);
        if (msg.type === "status" && msg.data?.sid) {
          this.clientId = msg.data.sid;
          resolve();
        }
        this.#dispatch(msg);
      });
      this.socket = socket;
    });
  }

  #dispatch(msg) {
    if (msg.type === "status") {
      this.dispatchEvent(new CustomEvent("status", { detail: msg.data?.status ?? null }));
    } else if (msg.type === "executing") {
      const id = msg.data?.display_node ?? msg.data?.node ?? null;
      this.dispatchEvent(new CustomEvent("executing", { detail: id }));
    } else if (KNOWN.has(msg.type) || this.registered.has(msg.type)) {
      this.dispatchEvent(new CustomEvent(msg.type, { detail: msg.data }));
    }
  }

  /** POST /api/prompt as the frontend's queuePrompt does; resolves to the server's answer. */
  async queuePrompt(prompt) {
    const response = await this.fetchApi("/prompt", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ client_id: this.clientId ?? "", prompt, extra_data: {} }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`prompt refused: ${JSON.stringify(body)}`);
    return body;
  }
}

export const api = new StandInApi();
