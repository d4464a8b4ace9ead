// Stand-in for the official frontend's `app` (src/scripts/app.ts), served as /scripts/app.js.
// It calls an extension's hooks in the frontend's order (init, then beforeRegisterNodeDef for
// each node definition of /api/object_info, nodeCreated, setup), offers
// extensionManager.registerSidebarTab, and draws a graph as LiteGraph does for what the extension
// touches: a box per node, then the node's onDrawForeground in the node's own coordinates (the
// body's top left at (0, 0), the title bar above it). Text drawn by onDrawForeground is recorded
// per node, and a throw from it is recorded too (in LiteGraph it would stop the canvas).
import { api } from "./api.js";

const TITLE_HEIGHT = 30;
globalThis.LiteGraph = { NODE_TITLE_HEIGHT: TITLE_HEIGHT };

class StandInGraph {
  constructor(app) {
    this.app = app;
    this.nodes = [];
  }

  getNodeById(id) {
    return this.nodes.find((n) => String(n.id) === String(id)) ?? null;
  }

  setDirtyCanvas() {
    this.app.scheduleDraw();
  }
}

class StandInApp {
  constructor() {
    this.extensions = [];
    this.nodeTypes = new Map();
    this.graph = new StandInGraph(this);
    this.sidebarTabs = [];
    this.drawn = {};
    this.drawErrors = [];
    this.draws = 0;
    this.extensionManager = {
      registerSidebarTab: (tab) => this.#addTab(tab),
    };
  }

  registerExtension(extension) {
    this.extensions.push(extension);
  }

  /** After the extensions were imported: the frontend's app.setup, in its order. */
  async setup() {
    await this.#hook("init", this);
    await api.init();
    const defs = await (await api.fetchApi("/object_info")).json();
    for (const [name, def] of Object.entries(defs)) {
      const nodeType = class { };
      nodeType.prototype.type = name;
      nodeType.prototype.def = def;
      await this.#hook("beforeRegisterNodeDef", nodeType, def, this);
      this.nodeTypes.set(name, nodeType);
    }
    await this.#hook("setup", this);
    this.canvasElement = document.getElementById("graph");
    this.ctx = this.canvasElement.getContext("2d");
    this.scheduleDraw();
  }

  /** An API-format prompt as the graph (app.loadApiJson in the frontend): one column per depth. */
  async loadApiJson(prompt) {
    this.prompt = prompt;
    const depth = {};
    const depthOf = (id, seen = new Set()) => {
      if (depth[id] != null) return depth[id];
      if (seen.has(id)) return 0;
      seen.add(id);
      const links = Object.values(prompt[id]?.inputs ?? {}).filter((v) => Array.isArray(v) && prompt[v[0]]);
      depth[id] = links.length ? 1 + Math.max(...links.map((l) => depthOf(String(l[0]), seen))) : 0;
      return depth[id];
    };
    const rows = {};
    this.graph.nodes = [];
    for (const [id, entry] of Object.entries(prompt)) {
      const d = depthOf(id);
      const r = (rows[d] = (rows[d] ?? -1) + 1);
      const NodeType = this.nodeTypes.get(entry.class_type);
      const node = NodeType ? new NodeType() : {};
      node.id = Number(id);
      node.type = entry.class_type;
      node.title = entry._meta?.title ?? entry.class_type;
      node.pos = [20 + d * 330, 70 + r * 200];
      node.size = [290, 80];
      node.flags = {};
      this.graph.nodes.push(node);
      await this.#hook("nodeCreated", node, this);
    }
    const width = Math.max(...this.graph.nodes.map((n) => n.pos[0] + 330), 800);
    const height = Math.max(...this.graph.nodes.map((n) => n.pos[1] + 200), 500);
    this.canvasElement.width = width;
    this.canvasElement.height = height;
    this.scheduleDraw();
  }

  async queuePrompt() {
    return api.queuePrompt(this.prompt);
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.#draw();
    });
  }

  #draw() {
    const ctx = this.ctx;
    if (!ctx) return;
    this.draws++;
    ctx.fillStyle = "#1e1e1e";
    ctx.fillRect(0, 0, this.canvasElement.width, this.canvasElement.height);
    for (const node of this.graph.nodes) {
      const [x, y] = node.pos;
      ctx.fillStyle = "#353535";
      ctx.fillRect(x, y - TITLE_HEIGHT, node.size[0], TITLE_HEIGHT + node.size[1]);
      ctx.fillStyle = "#222";
      ctx.fillRect(x, y - TITLE_HEIGHT, node.size[0], TITLE_HEIGHT);
      ctx.fillStyle = "#ccc";
      ctx.font = "14px sans-serif";
      ctx.textBaseline = "middle";
      ctx.fillText(`#${node.id} ${node.title}`, x + 8, y - TITLE_HEIGHT / 2);
      if (typeof node.onDrawForeground !== "function") continue;
      const texts = [];
      const fillText = ctx.fillText;
      ctx.save();
      ctx.translate(x, y);
      ctx.fillText = function (text, ...rest) {
        texts.push(String(text));
        return fillText.call(this, text, ...rest);
      };
      try {
        node.onDrawForeground(ctx, this);
      } catch (e) {
        this.drawErrors.push(`${node.id}: ${e}`);
      } finally {
        ctx.fillText = fillText;
        delete ctx.fillText;
        ctx.restore();
      }
      this.drawn[node.id] = texts;
    }
  }

  #addTab(tab) {
    this.sidebarTabs.push(tab);
    const button = document.createElement("button");
    button.textContent = tab.title;
    button.dataset.tabId = tab.id;
    button.title = tab.tooltip ?? "";
    button.addEventListener("click", () => {
      const el = document.createElement("div");
      el.className = "sidebar-content";
      document.getElementById("sidebar-content").replaceChildren(el);
      tab.render(el);
    });
    document.getElementById("sidebar-buttons").append(button);
  }

  async #hook(name, ...args) {
    for (const ext of this.extensions) {
      if (typeof ext[name] === "function") await ext[name](...args);
    }
  }
}

export const app = new StandInApp();
