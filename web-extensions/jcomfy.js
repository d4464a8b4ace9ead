// jcomfy's frontend extension. The server lists it in /api/extensions and serves it at
// /extensions/jcomfy/jcomfy.js; the frontend imports it like a custom node's web directory. It adds:
// - a "jcomfy" sidebar tab (a small floating panel on frontends without sidebar tabs): devices
//   and memory, the models held in memory, connected ranks, the last run;
// - on every node, after a run, the time it took; on the sampler, its cache and attention report.
// Everything it asks of the server may be missing (a stock ComfyUI, an older jcomfy): it then
// shows less, never an error dialog or an exception. Its modules are under lib/ (only the files at
// this folder's top level are listed as extensions).
import { app } from "../../scripts/app.js";
import { api } from "../../scripts/api.js";
import { NodeTimes } from "./lib/node-times.js";
import { SamplerReports } from "./lib/reports.js";
import { drawOnNodesOf } from "./lib/node-badges.js";
import { JcomfyPanel } from "./lib/panel.js";
import { showPanel } from "./lib/panel-host.js";
import { quietly } from "./lib/server-data.js";

const redraw = quietly("redraw", () => {
  app.graph?.setDirtyCanvas?.(true, false);
  app.canvas?.setDirty?.(true, false);
});

let panel = null;
// one redraw per animation frame, however many events arrive in it
let pending = false;
function changed() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    redraw();
    panel?.renderRun();
  });
}

const times = new NodeTimes(changed);
const reports = new SamplerReports(changed);

app.registerExtension({
  name: "jcomfy",

  beforeRegisterNodeDef: quietly("node type", (nodeType) => {
    drawOnNodesOf(nodeType, times, reports);
  }),

  setup: quietly("setup", () => {
    times.listen(api);
    reports.listen(api);
    panel = new JcomfyPanel(api, app, times, reports);
    // the models held change with each run: ask again when one ends
    for (const type of ["execution_success", "execution_error", "execution_interrupted"]) {
      api.addEventListener(type, quietly("refresh", () => panel.refresh()));
    }
    showPanel(app, panel);
  }),
});
