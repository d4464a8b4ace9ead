// What the sampler reported about its acceleration: the DiT cache (`jcomfy.cache_report`: method,
// steps, and per guidance branch the steps and blocks computed and reused) and the attention
// implementation chosen per shape (`jcomfy.attention_choice` as each is made, then
// `jcomfy.attention_report` with every choice the MODEL holds). The server sends each with the
// id of the node that sent it (`node`), which is where the lines are drawn.
import { count, duration } from "./format.js";
import { quietly } from "./server-data.js";

const MAX_CHOICE_LINES = 4;

export class SamplerReports {
  constructor(onChange = () => {}) {
    this.onChange = onChange;
    /** node id -> {cache, attentionSetting, choices: Map shape -> choice} */
    this.byNode = new Map();
    this.promptId = null;
  }

  listen(api) {
    const on = (type, handler) => api.addEventListener(type, quietly(type, (e) => {
      handler(e?.detail);
      this.onChange();
    }));
    // The server sends a report to the client that queued the prompt, or to every client when
    // none did (a script's prompt): those name nodes of another graph.
    const ours = (d) => d?.node != null && !(this.promptId && d.prompt_id && d.prompt_id !== this.promptId);
    on("execution_start", (d) => {
      this.promptId = d?.prompt_id ?? null;
    });
    // a node that runs again starts with no report; a cached sampler keeps the last one
    on("executing", (id) => {
      if (typeof id === "string" || typeof id === "number") this.byNode.delete(String(id));
    });
    on("jcomfy.cache_report", (d) => {
      if (!ours(d)) return;
      this.#entry(d.node).cache = d;
    });
    on("jcomfy.attention_choice", (d) => {
      if (!ours(d)) return;
      this.#entry(d.node).choices.set(String(d.shape ?? "?"), d);
    });
    on("jcomfy.attention_report", (d) => {
      if (!ours(d)) return;
      const entry = this.#entry(d.node);
      entry.attentionSetting = d.setting ?? null;
      entry.choices = new Map((Array.isArray(d.choices) ? d.choices : []).map((c) => [String(c?.shape ?? "?"), c]));
    });
  }

  /** Node ids that have a report, in the order they reported. */
  nodeIds() {
    return [...this.byNode.keys()];
  }

  /** The lines drawn under a node (and shown in the panel); [] when it has no report. */
  lines(id) {
    const entry = this.byNode.get(String(id));
    if (!entry) return [];
    return [...cacheLines(entry.cache), ...attentionLines(entry)];
  }

  #entry(id) {
    const key = String(id);
    if (!this.byNode.has(key)) this.byNode.set(key, { cache: null, attentionSetting: null, choices: new Map() });
    return this.byNode.get(key);
  }
}

function cacheLines(report) {
  if (!report) return [];
  const saved = typeof report.estimated_seconds_saved === "number" && report.estimated_seconds_saved > 0
    ? ` · ≈${duration(report.estimated_seconds_saved * 1000)} saved` : "";
  const lines = [`${report.method ?? "DiT cache"} · ${count(report.steps)} steps${saved}`];
  const branches = report.branches && typeof report.branches === "object" ? report.branches : {};
  for (const [name, b] of Object.entries(branches)) {
    if (!b || typeof b !== "object") continue;
    lines.push(`  ${name}: steps ${count(b?.steps_computed)} computed / ${count(b?.steps_reused)} reused,`
      + ` blocks ${count(b?.blocks_computed)} / ${count(b?.blocks_reused)}`);
  }
  return lines;
}

function attentionLines(entry) {
  if (entry.choices.size === 0) return [];
  const lines = [`attention${entry.attentionSetting ? ` (${entry.attentionSetting})` : ""}:`];
  const choices = [...entry.choices.values()];
  for (const c of choices.slice(0, MAX_CHOICE_LINES)) {
    const how = c?.mode ? `${c.mode}${c.this_prompt === false ? ", remembered" : ""}` : "";
    lines.push(`  ${c?.implementation ?? "?"} for ${c?.shape ?? "?"}${how ? ` (${how})` : ""}`);
  }
  if (choices.length > MAX_CHOICE_LINES) lines.push(`  … ${choices.length - MAX_CHOICE_LINES} more shapes`);
  return lines;
}
