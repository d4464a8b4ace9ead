// How long each node of the last run took, from the execution events the frontend's api object
// dispatches. The server announces a node with `executing` (detail: its id) when it starts and
// reports it finished through `progress_state`; the next `executing` or the end of the prompt also
// ends it, so the times hold for servers that send only the older events. Cached nodes never
// start: `execution_cached` names them.
import { duration } from "./format.js";
import { quietly } from "./server-data.js";

export class NodeTimes {
  /** @param onChange called after every change, to redraw */
  constructor(onChange = () => {}) {
    this.onChange = onChange;
    this.promptId = null;
    this.promptStart = null;
    this.promptEnd = null;
    this.outcome = null;
    /** node id -> {start, end, state: "running" | "done" | "cached" | "error" | "interrupted", order} */
    this.nodes = new Map();
  }

  listen(api) {
    const on = (type, handler) => api.addEventListener(type, quietly(type, (e) => {
      handler(e?.detail);
      this.onChange();
    }));
    on("execution_start", (d) => this.#begin(d?.prompt_id ?? null));
    on("execution_cached", (d) => {
      for (const id of Array.isArray(d?.nodes) ? d.nodes : []) {
        if (!this.nodes.has(String(id))) this.nodes.set(String(id), { state: "cached", order: this.nodes.size });
      }
    });
    on("executing", (d) => {
      // the frontend dispatches display_node || node: a string id, or null when the prompt is done
      this.#finishRunning();
      if (typeof d === "string" || typeof d === "number") this.#start(String(d));
    });
    on("progress_state", (d) => {
      // sent to every client when the prompt has none (a script's): not this page's run
      if (this.promptId && d?.prompt_id && d.prompt_id !== this.promptId) return;
      const states = d?.nodes && typeof d.nodes === "object" ? d.nodes : {};
      for (const [key, s] of Object.entries(states)) {
        const id = String(s?.display_node_id ?? key);
        if (s?.state === "running" && !this.nodes.has(id)) this.#start(id);
        else if (s?.state === "finished") this.#finish(id, "done");
      }
    });
    on("execution_success", () => this.#end("success"));
    // the failing node first: ending the prompt marks whatever still runs as done
    on("execution_error", (d) => {
      if (d?.node_id != null) this.#finish(String(d.node_id), "error");
      this.#end("error");
    });
    on("execution_interrupted", (d) => {
      if (d?.node_id != null) this.#finish(String(d.node_id), "interrupted");
      this.#end("interrupted");
    });
  }

  /** {id, ms, state} per node of the last run, in the order they ran (cached ones first). */
  entries() {
    return [...this.nodes.entries()]
      .sort((a, b) => a[1].order - b[1].order)
      .map(([id, n]) => ({ id, state: n.state, ms: n.start != null ? (n.end ?? performance.now()) - n.start : null }));
  }

  /** The whole prompt in milliseconds: finished, or so far; null before any run. */
  totalMs() {
    if (this.promptStart == null) return null;
    return (this.promptEnd ?? performance.now()) - this.promptStart;
  }

  /** What a node's badge says: "1.24 s", "cached", "running", "error"; null for a node that was not in the run. */
  label(id) {
    const n = this.nodes.get(String(id));
    if (!n) return null;
    if (n.state === "cached") return "cached";
    const ms = (n.end ?? performance.now()) - n.start;
    if (n.state === "running") return `running ${duration(ms)}`;
    if (n.state === "error") return `error after ${duration(ms)}`;
    if (n.state === "interrupted") return `stopped after ${duration(ms)}`;
    return duration(ms);
  }

  state(id) {
    return this.nodes.get(String(id))?.state ?? null;
  }

  #begin(promptId) {
    this.promptId = promptId;
    this.promptStart = performance.now();
    this.promptEnd = null;
    this.outcome = "running";
    this.nodes.clear();
  }

  #start(id) {
    // a page opened during a run sees nodes before any execution_start
    if (this.promptStart == null) this.#begin(null);
    this.nodes.set(id, { start: performance.now(), end: null, state: "running", order: this.nodes.size });
  }

  #finish(id, state) {
    const n = this.nodes.get(id);
    if (!n || n.state !== "running") return;
    n.end = performance.now();
    n.state = state;
  }

  #finishRunning() {
    for (const [id, n] of this.nodes) if (n.state === "running") this.#finish(id, "done");
  }

  #end(outcome) {
    this.#finishRunning();
    if (this.promptStart != null) this.promptEnd = performance.now();
    this.outcome = outcome;
  }
}
