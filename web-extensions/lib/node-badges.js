// Drawing on the graph's nodes: the execution time above the title bar, and a sampler's cache
// and attention report below the node. Hooked into each node type's onDrawForeground (the
// LiteGraph callback that draws in the node's own coordinates: (0, 0) is the top left of the
// body, the title bar lies above it), after whatever another extension draws there. A drawing
// failure is swallowed: a throw inside the canvas' draw loop would stop it for every node.
import { quietly } from "./server-data.js";

const COLORS = {
  done: "#2f7d46",
  cached: "#555c66",
  running: "#a36a00",
  error: "#a12e2e",
  interrupted: "#a12e2e",
};
const FONT = "12px monospace";
const LINE = 16;

/** Makes every node of `nodeType` draw its badge and report from `times` and `reports`. */
export function drawOnNodesOf(nodeType, times, reports) {
  const proto = nodeType?.prototype;
  if (!proto || proto.__jcomfyBadges) return;
  proto.__jcomfyBadges = true;
  const original = proto.onDrawForeground;
  const draw = quietly("node badge", function (ctx) {
    drawTime(this, ctx, times);
    if (!this.flags?.collapsed) drawReport(this, ctx, reports.lines(this.id));
  });
  proto.onDrawForeground = function (ctx, ...rest) {
    const result = typeof original === "function" ? original.call(this, ctx, ...rest) : undefined;
    if (ctx) draw.call(this, ctx);
    return result;
  };
}

function titleHeight() {
  return globalThis.LiteGraph?.NODE_TITLE_HEIGHT ?? 30;
}

function drawTime(node, ctx, times) {
  const label = times.label(node.id);
  if (!label) return;
  const width = node.flags?.collapsed ? (node._collapsed_width ?? 80) : (node.size?.[0] ?? 100);
  ctx.save();
  ctx.font = FONT;
  const w = ctx.measureText(label).width + 12;
  const x = width - w;
  const y = -titleHeight() - LINE - 6;
  ctx.fillStyle = COLORS[times.state(node.id)] ?? COLORS.done;
  roundedRect(ctx, x, y, w, LINE + 2, 5);
  ctx.fill();
  ctx.fillStyle = "#fff";
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  ctx.fillText(label, x + 6, y + (LINE + 2) / 2 + 1);
  ctx.restore();
}

function drawReport(node, ctx, lines) {
  if (lines.length === 0) return;
  ctx.save();
  ctx.font = FONT;
  const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 12;
  const y = (node.size?.[1] ?? 0) + 8;
  ctx.fillStyle = "rgba(20, 24, 32, 0.88)";
  roundedRect(ctx, 0, y, w, lines.length * LINE + 8, 5);
  ctx.fill();
  ctx.fillStyle = "#d8e6ff";
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  lines.forEach((line, i) => ctx.fillText(line, 6, y + 4 + i * LINE));
  ctx.restore();
}

function roundedRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  if (typeof ctx.roundRect === "function") {
    ctx.roundRect(x, y, w, h, r);
  } else {
    ctx.rect(x, y, w, h);
  }
}
