// Where the panel lives: a sidebar tab where the frontend offers them
// (app.extensionManager.registerSidebarTab, frontend 1.2 and later), otherwise a small floating
// panel at the top right that folds to its title.
import { quietly } from "./server-data.js";

export function showPanel(app, panel) {
  const manager = app?.extensionManager;
  if (typeof manager?.registerSidebarTab === "function") {
    manager.registerSidebarTab({
      id: "jcomfy",
      icon: "pi pi-server",
      title: "jcomfy",
      tooltip: "jcomfy: devices, memory, loaded models, ranks and the last run",
      type: "custom",
      render: quietly("sidebar tab", (el) => panel.mount(el)),
    });
    return;
  }
  floatingPanel(panel);
}

function floatingPanel(panel) {
  const box = document.createElement("div");
  box.dataset.jcomfy = "floating";
  box.style.cssText = "position:fixed;top:48px;right:12px;width:300px;max-height:70vh;z-index:1000;display:flex;"
    + "flex-direction:column;background:var(--comfy-menu-bg,#222);border:1px solid var(--border-color,#555);"
    + "border-radius:6px;box-shadow:0 2px 8px rgba(0,0,0,.4)";
  const title = document.createElement("div");
  title.textContent = "jcomfy ▾";
  title.style.cssText = "padding:4px 10px;cursor:pointer;font:bold 12px sans-serif;color:var(--fg-color,#ddd)";
  const content = document.createElement("div");
  content.style.cssText = "overflow:auto";
  title.addEventListener("click", () => {
    const open = content.style.display === "none";
    content.style.display = open ? "" : "none";
    title.textContent = open ? "jcomfy ▾" : "jcomfy ▸";
  });
  box.append(title, content);
  document.body.append(box);
  panel.mount(content);
}
