// Numbers as the panel and the node badges print them.

/** Bytes in binary units: "812 B", "3.4 MiB", "2.61 GiB"; "?" for anything that is not a number. */
export function bytes(n) {
  if (typeof n !== "number" || !Number.isFinite(n)) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** A duration in milliseconds: "<1 ms", "18 ms" below a second, "1.24 s" up to a minute, "2 min 5 s" past it. */
export function duration(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** A count from a server body, or "?" when the body lacks it (an older or newer server). */
export function count(n) {
  return typeof n === "number" && Number.isFinite(n) ? String(n) : "?";
}
