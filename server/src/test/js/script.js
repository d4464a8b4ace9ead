// Drives a jcomfy server with @stable-canvas/comfyui-client, a third-party ComfyUI API client:
// submits EmptyImage -> ImageInvert -> SaveImage, follows it over the WebSocket, then fetches
// the saved PNG through /view. Prints one JSON line and exits 0 on success, 1 on failure.
import WebSocket from "ws";
import { Client } from "@stable-canvas/comfyui-client";

const port = process.argv[2];
const client = new Client({ api_host: `127.0.0.1:${port}`, WebSocket, fetch: globalThis.fetch.bind(globalThis) });

const prompt = {
  "1": { class_type: "EmptyImage", inputs: { width: 64, height: 32, batch_size: 1, color: 0x336699 } },
  "2": { class_type: "ImageInvert", inputs: { image: ["1", 0] } },
  "3": { class_type: "SaveImage", inputs: { images: ["2", 0], filename_prefix: "compat/npm" } },
};

function fail(message) {
  console.log(JSON.stringify({ ok: false, message }));
  process.exit(1);
}

const timer = setTimeout(() => fail("timed out"), 60000);
try {
  await client.connect();
  const executing = [];
  client.on("executing", (d) => executing.push(d.node));
  const started = [];
  client.on("execution_start", (d) => started.push(d.prompt_id));

  const result = await client.enqueue(prompt, {});
  if (!result.images || result.images.length !== 1) fail("expected one image, got " + JSON.stringify(result));
  const url = result.images[0].data;
  const response = await fetch(url);
  if (response.status !== 200) fail("GET " + url + " answered " + response.status);
  const bytes = Buffer.from(await response.arrayBuffer());
  const signature = bytes.subarray(0, 8).toString("hex");
  if (signature !== "89504e470d0a1a0a") fail("not a PNG: " + signature);
  const width = bytes.readUInt32BE(16), height = bytes.readUInt32BE(20);
  const hasPromptChunk = bytes.includes(Buffer.from("tEXtprompt"));
  const history = await (await fetch(`http://127.0.0.1:${port}/history/${result.prompt_id}`)).json();
  const status = history[result.prompt_id]?.status?.status_str;
  console.log(JSON.stringify({ ok: true, url, width, height, hasPromptChunk, executing, started, status, prompt_id: result.prompt_id }));
  clearTimeout(timer);
  client.close();
  process.exit(0);
} catch (e) {
  fail(String(e && e.stack ? e.stack : e));
}
