// The jcomfy panel: the server's devices and memory (/system_stats), the models held in memory
// (/jcomfy/models), the connected ranks (/jcomfy/ranks, on servers with parallelism) and the last
// run (node times, the sampler's cache and attention reports). Built with DOM nodes and
// textContent only, so a model or node name can never inject markup. The panel may be mounted
// more than once (the frontend renders a sidebar tab each time it opens); each mount refreshes
// while it is on the page and stops once it is gone.
import { bytes, duration } from "./format.js";
import { getJson, quietly } from "./server-data.js";

const REFRESH_MS = 5000;

export class JcomfyPanel {
  constructor(api, app, times, reports) {
    this.api = api;
    this.app = app;
    this.times = times;
    this.reports = reports;
    this.roots = new Set();
  }

  /** Fills `el` with the panel and keeps it current. */
  mount(el) {
    const root = document.createElement("div");
    root.className = "jcomfy-panel";
    root.dataset.jcomfy = "panel";
    root.style.cssText = "padding:8px 10px;font:12px/1.45 sans-serif;color:var(--fg-color,#ddd);overflow:auto;max-height:100%";
    const sections = {};
    for (const [key, title] of [["devices", "Devices"], ["models", "Loaded models"], ["ranks", "Ranks"], ["run", "Last run"]]) {
      const section = document.createElement("section");
      section.dataset.jcomfy = key;
      section.style.marginBottom = "10px";
      const h = document.createElement("div");
      h.textContent = title;
      h.style.cssText = "font-weight:bold;margin-bottom:3px;border-bottom:1px solid var(--border-color,#555)";
      const body = document.createElement("div");
      body.dataset.jcomfyBody = key;
      section.append(h, body);
      root.append(section);
      sections[key] = body;
    }
    el.replaceChildren(root);
    const mounted = { root, sections };
    this.roots.add(mounted);
    this.renderRun();
    this.refresh();
    const timer = setInterval(() => {
      if (!root.isConnected) {
        clearInterval(timer);
        this.roots.delete(mounted);
      } else {
        this.refresh();
      }
    }, REFRESH_MS);
    return root;
  }

  /** Asks the server again (memory, models, ranks) and redraws those sections. */
  async refresh() {
    if (this.roots.size === 0) return;
    const [stats, models, ranks] = await Promise.all([
      getJson(this.api, "/system_stats"),
      getJson(this.api, "/jcomfy/models"),
      getJson(this.api, "/jcomfy/ranks"),
    ]);
    this.#each("devices", quietly("devices", (body) => devices(body, stats)));
    this.#each("models", quietly("models", (body) => loadedModels(body, models)));
    this.#each("ranks", quietly("ranks", (body) => connectedRanks(body, ranks)));
  }

  /** Redraws the last run from the node times and reports (cheap; called on every execution event). */
  renderRun() {
    this.#each("run", quietly("last run", (body) => this.#run(body)));
  }

  #each(key, render) {
    for (const m of this.roots) {
      if (m.root.isConnected || m.root.parentNode) render(m.sections[key]);
    }
  }

  #run(body) {
    const entries = this.times.entries();
    if (entries.length === 0) {
      body.replaceChildren(line("No run yet in this page.", "muted"));
      return;
    }
    const total = this.times.totalMs();
    const rows = [line(`${this.times.outcome ?? "run"} · total ${duration(total)}`, "", "run-total")];
    for (const e of entries) {
      const label = this.times.label(e.id);
      rows.push(row(`#${e.id} ${this.#nodeName(e.id)}`, label ?? "", "node-time", e.id));
    }
    for (const id of this.reports.nodeIds()) {
      const lines = this.reports.lines(id);
      if (lines.length === 0) continue;
      const pre = document.createElement("pre");
      pre.dataset.jcomfy = "report";
      pre.dataset.node = id;
      pre.style.cssText = "margin:6px 0 0;padding:4px 6px;white-space:pre-wrap;background:rgba(0,0,0,.25);font:11px/1.4 monospace";
      pre.textContent = [`#${id} ${this.#nodeName(id)}`, ...lines].join("\n");
      rows.push(pre);
    }
    body.replaceChildren(...rows);
  }

  #nodeName(id) {
    try {
      const graph = this.app?.graph;
      const node = graph?.getNodeById?.(id) ?? graph?.getNodeById?.(Number(id));
      return node?.title ?? node?.type ?? "";
    } catch {
      return "";
    }
  }
}

function devices(body, answer) {
  if (answer.state !== "ok") {
    body.replaceChildren(line(`unavailable (${answer.state === "missing" ? "no /system_stats" : answer.detail})`, "muted"));
    return;
  }
  const system = answer.data?.system ?? {};
  const rows = [];
  const who = [system.jcomfy_version ? `jcomfy ${system.jcomfy_version}` : null, system.python_version].filter(Boolean).join(" · ");
  if (who) rows.push(line(who, "muted"));
  if (typeof system.ram_total === "number") {
    rows.push(row("RAM", `${bytes(system.ram_total - (system.ram_free ?? 0))} used of ${bytes(system.ram_total)}`, "ram"));
  }
  for (const d of Array.isArray(answer.data?.devices) ? answer.data.devices : []) {
    const total = d?.vram_total;
    const memory = typeof total === "number" && total > 0
      ? `${bytes(total - (d.vram_free ?? 0))} used of ${bytes(total)}` : "memory not reported";
    rows.push(row(`${d?.name ?? d?.type ?? "device"}`, memory, "device"));
  }
  body.replaceChildren(...(rows.length ? rows : [line("no devices reported", "muted")]));
}

function loadedModels(body, answer) {
  if (answer.state === "missing") {
    body.replaceChildren(line("not reported by this server", "muted"));
    return;
  }
  if (answer.state !== "ok") {
    body.replaceChildren(line(`unavailable (${answer.detail})`, "muted"));
    return;
  }
  const models = Array.isArray(answer.data?.models) ? answer.data.models : [];
  if (models.length === 0) {
    body.replaceChildren(line("none loaded (models load on first use)", "muted"));
    return;
  }
  const rows = models.map((m) => {
    const where = [m?.folder, m?.variant].filter(Boolean).join(", ");
    return row(`${m?.name ?? m?.key ?? "?"}${where ? ` (${where})` : ""}`, bytes(m?.bytes), "model");
  });
  const budget = typeof answer.data.budget_bytes === "number" ? ` of a ${bytes(answer.data.budget_bytes)} budget` : "";
  rows.push(line(`${bytes(answer.data.used_bytes)} held${budget}`, "muted"));
  body.replaceChildren(...rows);
}

function connectedRanks(body, answer) {
  if (answer.state === "missing") {
    body.replaceChildren(line("none (this server has no connected ranks)", "muted"));
    return;
  }
  if (answer.state !== "ok") {
    body.replaceChildren(line(`unavailable (${answer.detail})`, "muted"));
    return;
  }
  // /jcomfy/ranks: the sources a ParallelPlan can draw ranks from; in-process ones are started per
  // model call, so a source is shown with how many ranks it offers, not as that many rows
  const sources = answer.data && typeof answer.data.sources === "object" ? Object.entries(answer.data.sources) : [];
  if (sources.length > 0) {
    const devices = [...new Set((answer.data.ranks ?? []).map((r) => r?.device_name ?? r?.device).filter(Boolean))];
    body.replaceChildren(...sources.map(([name, s]) => row(name,
        `${s?.kind ?? "ranks"}, up to ${s?.max_ranks ?? "?"} ranks${devices.length ? " on " + devices.join(", ") : ""}`, "rank")));
    return;
  }
  const list = Array.isArray(answer.data) ? answer.data : Array.isArray(answer.data?.ranks) ? answer.data.ranks : [];
  if (list.length === 0) {
    body.replaceChildren(line("none connected", "muted"));
    return;
  }
  // the route's shape belongs to the parallelism work: print what each entry says
  body.replaceChildren(...list.map((r, i) => row(`rank ${r?.rank ?? i}`, describeRank(r), "rank")));
}

function describeRank(r) {
  if (r == null || typeof r !== "object") return String(r);
  return Object.entries(r).filter(([k]) => k !== "rank").map(([k, v]) => {
    if (Array.isArray(v)) return `${k}: ${v.map((x) => (x && typeof x === "object" ? x.name ?? x.id ?? JSON.stringify(x) : x)).join(", ")}`;
    return `${k}: ${v && typeof v === "object" ? JSON.stringify(v) : v}`;
  }).join(" · ");
}

function line(text, kind = "", tag = "") {
  const div = document.createElement("div");
  div.textContent = text;
  if (kind === "muted") div.style.opacity = "0.7";
  if (tag) div.dataset.jcomfy = tag;
  return div;
}

function row(name, value, tag, nodeId) {
  const div = document.createElement("div");
  div.style.cssText = "display:flex;justify-content:space-between;gap:8px";
  div.dataset.jcomfy = tag;
  if (nodeId != null) div.dataset.node = nodeId;
  const a = document.createElement("span");
  a.textContent = name;
  a.title = name; // the whole name where the panel is too narrow for it
  a.style.cssText = "overflow:hidden;text-overflow:ellipsis;white-space:nowrap";
  const b = document.createElement("span");
  b.textContent = value;
  b.style.whiteSpace = "nowrap";
  div.append(a, b);
  return div;
}
