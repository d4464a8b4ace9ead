// Drives Debian's chromium (through playwright-core, no browser download) against a live jcomfy
// server whose --front-end-root is the stand-in page of src/test/resources/browser-fixture.
// Run by FrontendExtensionBrowserTest:
//   node extension-test.mjs BASE_URL SCREENSHOT_DIR WORKFLOW...
// Each WORKFLOW names an API-format prompt served at BASE_URL/workflows/NAME.json. Prints one JSON
// line with what the page showed; the Java test judges it.
import { chromium } from "playwright-core";

const [, , base, shots, ...workflows] = process.argv;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const TIMEOUT = 45000;

let browser;

/** Page errors and console errors, less the browser's own line for each non-2xx answer. */
function watch(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console.error: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return problems;
}

async function open(page) {
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.standInReady || window.standInFailure, null, { timeout: TIMEOUT });
  const failure = await page.evaluate(() => window.standInFailure ?? null);
  if (failure) throw new Error(`the stand-in page did not start: ${failure}`);
  await page.click('[data-tab-id="jcomfy"]');
}

const section = (page, key) => page.evaluate((k) => document.querySelector(`[data-jcomfy-body="${k}"]`)?.innerText ?? null, key);

/** Queues a workflow from the page, waits for its end and for every node to show a finished badge. */
async function run(page, name) {
  const { id, nodes } = await page.evaluate(async (n) => {
    const prompt = await (await fetch(`/workflows/${n}.json`)).json();
    await window.app.loadApiJson(prompt);
    const answer = await window.app.queuePrompt();
    return { id: answer.prompt_id, nodes: Object.keys(prompt) };
  }, name);
  await page.waitForFunction((pid) => window.api.received.some((m) =>
    ["execution_success", "execution_error"].includes(m.type) && m.data?.prompt_id === pid), id, { timeout: TIMEOUT });
  await page.waitForFunction((ids) => ids.every((i) => (window.app.drawn[i] ?? []).length > 0
    && !window.app.drawn[i].some((t) => t.startsWith("running"))), nodes, { timeout: TIMEOUT });
  return page.evaluate(({ pid, ids }) => ({
    promptId: pid,
    outcome: window.api.received.find((m) => m.data?.prompt_id === pid
      && ["execution_success", "execution_error"].includes(m.type))?.type,
    drawn: Object.fromEntries(ids.map((i) => [i, window.app.drawn[i]])),
    runText: document.querySelector('[data-jcomfy-body="run"]')?.innerText ?? null,
    reports: [...document.querySelectorAll('[data-jcomfy="report"]')].map((p) => ({ node: p.dataset.node, text: p.textContent })),
    drawErrors: window.app.drawErrors,
  }), { pid: id, ids: nodes });
}

async function normalPage() {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const problems = watch(page);
  await open(page);
  await page.waitForFunction(() => document.querySelector('[data-jcomfy-body="devices"]')?.innerText.includes("used of"),
    null, { timeout: TIMEOUT });
  const out = {
    devices: await section(page, "devices"),
    modelsBefore: await section(page, "models"),
    ranks: await section(page, "ranks"),
    runs: {},
  };
  for (const name of workflows) {
    out.runs[name] = await run(page, name);
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  }
  // the panel asks for the loaded models again when a run ends
  await page.waitForFunction(() => document.querySelectorAll('[data-jcomfy-body="models"] [data-jcomfy="model"]').length > 0,
    null, { timeout: TIMEOUT });
  out.modelsAfter = await section(page, "models");
  await page.screenshot({ path: `${shots}/jcomfy-extension.png`, fullPage: true });
  out.problems = problems;
  await page.close();
  return out;
}

/** jcomfy's routes answer errors and /system_stats is missing; malformed events arrive. */
async function degradedPage() {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const problems = watch(page);
  await page.route("**/api/jcomfy/**", (r) => r.fulfill({ status: 500, contentType: "text/plain", body: "500: Internal Server Error" }));
  await page.route("**/api/system_stats", (r) => r.fulfill({ status: 404, contentType: "text/plain", body: "404: Not Found" }));
  await open(page);
  await page.waitForFunction(() => document.querySelector('[data-jcomfy-body="models"]')?.innerText.includes("unavailable"),
    null, { timeout: TIMEOUT });
  const out = {
    devices: await section(page, "devices"),
    models: await section(page, "models"),
    ranks: await section(page, "ranks"),
  };
  out.run = await run(page, workflows[0]);
  const drawsBefore = await page.evaluate(() => window.app.draws);
  await page.evaluate(() => {
    const send = (type, detail) => window.api.dispatchEvent(new CustomEvent(type, { detail }));
    const id = Object.keys(window.app.prompt)[0];
    send("jcomfy.cache_report", { node: id, steps: "many", branches: { cond: null, uncond: 7 } });
    send("jcomfy.cache_report", null);
    send("jcomfy.attention_report", { node: id, choices: "none" });
    send("jcomfy.attention_choice", { node: id });
    send("progress_state", { nodes: { [id]: null } });
    send("execution_cached", { nodes: "all" });
    send("executing", { not: "an id" });
    send("execution_error", null);
    // a report of a prompt this page did not queue (sent to every client): not drawn here
    send("jcomfy.cache_report", { node: id, prompt_id: "queued-by-a-script", method: "ForeignCache", steps: 1, branches: {} });
    window.app.scheduleDraw();
  });
  await page.waitForFunction((n) => window.app.draws > n, drawsBefore, { timeout: TIMEOUT });
  out.afterMalformed = await page.evaluate(() => ({
    drawErrors: window.app.drawErrors,
    drawn: window.app.drawn,
    runText: document.querySelector('[data-jcomfy-body="run"]')?.innerText ?? null,
  }));
  await page.screenshot({ path: `${shots}/jcomfy-extension-degraded.png`, fullPage: true });
  out.problems = problems;
  await context.close();
  return out;
}

/** A frontend without sidebar tabs: the panel floats over the page. */
async function floatingPage() {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const problems = watch(page);
  await page.goto(`${base}/?no-sidebar`);
  await page.waitForFunction(() => window.standInReady || window.standInFailure, null, { timeout: TIMEOUT });
  await page.waitForFunction(() => document.querySelector('[data-jcomfy="floating"] [data-jcomfy-body="devices"]')
    ?.innerText.includes("used of"), null, { timeout: TIMEOUT });
  const out = {
    floating: await page.evaluate(() => document.querySelector('[data-jcomfy="floating"]').innerText),
    sidebarButtons: await page.evaluate(() => document.querySelectorAll("[data-tab-id]").length),
  };
  await page.screenshot({ path: `${shots}/jcomfy-extension-floating.png` });
  out.problems = problems;
  await page.close();
  return out;
}

// last: the helpers above are defined by now
browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
const report = {};
try {
  report.normal = await normalPage();
  report.degraded = await degradedPage();
  report.floating = await floatingPage();
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
