package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.Test;

/**
 * jcomfy's frontend extension (web-extensions/) in a real browser against a live server: Debian's
 * chromium, driven by playwright-core from npm ({@code src/test/browser}), opens a page the server
 * serves from a temporary {@code --front-end-root}. The page is a stand-in for the official
 * frontend ({@code src/test/resources/browser-fixture}: its {@code scripts/app.js} and
 * {@code scripts/api.js} keep the parts of the frontend's contract the extension uses), loads the
 * extension through {@code /api/extensions} as the frontend does, runs two workflows through
 * {@code /api/prompt} and the WebSocket, and reports what the extension put on screen. A second
 * page gets errors from jcomfy's routes and malformed events, and must stay quiet; a third has no
 * sidebar tabs (older frontends), where the panel floats over the page.
 * Screenshots land in {@code target/browser-test/}. Without chromium, node or npm the test fails
 * and says what to install: CI installs them in {@code .ci/run}.
 */
class FrontendExtensionBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("src/test/browser").toAbsolutePath();
    private static final Path FIXTURE = Path.of("src/test/resources/browser-fixture").toAbsolutePath();
    private static final Path ARTEFACTS = Path.of("target/browser-test").toAbsolutePath();
    private static final Pattern TIME = Pattern.compile("<1 ms|\\d+(\\.\\d+)? (ms|s)|\\d+ min \\d+ s");

    /** The smallest run there is: an empty image, saved. */
    private static final String EMPTY_IMAGE = """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 64, "height": 32, "batch_size": 1, "color": 3355443},
                   "_meta": {"title": "Empty Image"}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "browser/empty"},
                   "_meta": {"title": "Save Image"}}}
            """;

    @Test
    void the_extension_shows_devices_models_node_times_and_the_sampler_reports_and_degrades_quietly() throws Exception {
        requireTools();
        if (!Files.isDirectory(DRIVER.resolve("node_modules/playwright-core"))) {
            Result install = run(DRIVER, List.of("npm", "ci", "--no-audit", "--no-fund"));
            assertEquals(0, install.exitCode, "npm ci in " + DRIVER + " failed:\n" + install.output);
        }
        Path root = Files.createTempDirectory("jcomfy-browser-fixture");
        copyTree(FIXTURE, root);
        Files.createDirectories(root.resolve("workflows"));
        Files.createDirectories(ARTEFACTS);

        try (TestServer server = TestServer.start("--front-end-root", root.toString())) {
            DemoModels.ensure(server.base.resolve("models"), System.out);
            Files.writeString(root.resolve("workflows/empty_image.json"), EMPTY_IMAGE);
            Files.writeString(root.resolve("workflows/demo_cached.json"), cachedDemo().toString());

            Result r = run(DRIVER, List.of("node", "extension-test.mjs", "http://127.0.0.1:" + server.port(),
                    ARTEFACTS.toString(), "empty_image", "demo_cached"));
            assertEquals(0, r.exitCode, r.output);
            String last = r.output.strip().lines().reduce((a, b) -> b).orElse("");
            JsonNode report = Json.MAPPER.readTree(last);
            checkNormalPage(report.get("normal"));
            checkDegradedPage(report.get("degraded"));
            JsonNode floating = report.get("floating");
            assertEquals("[]", floating.get("problems").toString());
            assertEquals(0, floating.get("sidebarButtons").asInt());
            assertTrue(floating.get("floating").asText().contains("Loaded models") && floating.get("floating").asText().contains("cpu"),
                    "without sidebar tabs the panel floats over the page: " + floating);
        } finally {
            deleteTree(root);
        }
        assertTrue(Files.size(ARTEFACTS.resolve("jcomfy-extension.png")) > 10_000, "the screenshot is kept as a test artefact");
    }

    private static void checkNormalPage(JsonNode page) {
        assertEquals("[]", page.get("problems").toString(), "no page errors, console errors or dialogs");
        String devices = page.get("devices").asText();
        assertTrue(devices.contains("RAM") && devices.contains("cpu") && devices.contains("used of"), devices);
        assertTrue(page.get("modelsBefore").asText().contains("none loaded"), page.get("modelsBefore").asText());
        // /api/jcomfy/ranks offers the in-process source: one line for it, not a row per possible rank
        String ranks = page.get("ranks").asText();
        assertTrue(ranks.contains("local") && ranks.contains("in-process, up to 8 ranks on cpu"), ranks);

        JsonNode empty = page.at("/runs/empty_image");
        assertEquals("execution_success", empty.get("outcome").asText());
        for (String node : List.of("1", "2")) {
            String drawn = empty.at("/drawn/" + node).toString();
            assertTrue(TIME.matcher(drawn).find(), "node " + node + " shows its execution time: " + drawn);
        }
        assertTrue(empty.get("runText").asText().contains("#2 Save Image"), empty.get("runText").asText());

        JsonNode demo = page.at("/runs/demo_cached");
        assertEquals("execution_success", demo.get("outcome").asText(), demo.toString());
        assertEquals("[]", demo.get("drawErrors").toString());
        String sampler = String.join("\n", texts(demo.at("/drawn/3")));
        assertTrue(TIME.matcher(sampler).find(), sampler);
        assertTrue(sampler.contains("EasyCache · 6 steps"), "the cache report is drawn on the sampler: " + sampler);
        assertTrue(Pattern.compile("cond: steps \\d+ computed / [1-9]\\d* reused, blocks \\d+ / \\d+").matcher(sampler).find(), sampler);
        assertTrue(sampler.contains("attention (auto-runtime):") && Pattern.compile("(naive|flash)\\w* for B=\\d+ Sq=").matcher(sampler).find(),
                "the attention choice per shape is drawn on the sampler: " + sampler);
        assertTrue(demo.at("/reports/0/node").asText().equals("3") && demo.at("/reports/0/text").asText().contains("EasyCache"),
                "the panel repeats the report: " + demo.get("reports"));
        String models = page.get("modelsAfter").asText();
        for (String file : List.of(DemoModels.DIT, DemoModels.TEXT_ENCODER, DemoModels.VAE)) {
            assertTrue(models.contains(file), "the panel lists the loaded " + file + ": " + models);
        }
        assertTrue(models.contains("held of a") && models.contains("MiB"), models);
    }

    private static void checkDegradedPage(JsonNode page) {
        assertEquals("[]", page.get("problems").toString(), "failing routes and malformed events stay quiet");
        assertTrue(page.get("devices").asText().contains("unavailable"), page.get("devices").asText());
        assertTrue(page.get("models").asText().contains("unavailable (HTTP 500)"), page.get("models").asText());
        assertTrue(page.get("ranks").asText().contains("unavailable (HTTP 500)"), page.get("ranks").asText());
        JsonNode run = page.get("run");
        assertEquals("execution_success", run.get("outcome").asText());
        assertTrue(TIME.matcher(run.at("/drawn/1").toString()).find(), "node times still show: " + run.get("drawn"));
        assertEquals("[]", page.at("/afterMalformed/drawErrors").toString(), "the canvas keeps drawing");
        String drawn = page.at("/afterMalformed/drawn").toString();
        assertTrue(drawn.contains("DiT cache · ? steps"), "a report missing its fields still draws what it has: " + drawn);
        assertTrue(!drawn.contains("ForeignCache"), "another prompt's report is not drawn on this graph: " + drawn);
    }

    /** The demo text-to-video workflow (small, a short negative prompt, one output) with an EasyCache and an AttentionSelect before KSampler "3". */
    private static ObjectNode cachedDemo() throws Exception {
        JsonNode workflow;
        try (InputStream in = FrontendExtensionBrowserTest.class.getClassLoader().getResourceAsStream("workflows/text_to_video_demo.json")) {
            workflow = Json.MAPPER.readTree(in);
        }
        ObjectNode prompt = new UiWorkflowConverter(NodeRegistry.load()).convert(workflow);
        ((ObjectNode) prompt.get("40").get("inputs")).put("width", 32).put("height", 32).put("length", 1);
        // the saved negative prompt is 331 tokens, whose attention the device times on first use (seconds here)
        ((ObjectNode) prompt.get("7").get("inputs")).put("text", "blurry, static");
        prompt.remove("47"); // the WebM twin of the animated WebP output: the same frames again
        ObjectNode sampler = (ObjectNode) prompt.get("3").get("inputs");
        sampler.put("steps", 6);
        ObjectNode cache = prompt.putObject("900");
        cache.put("class_type", "EasyCache");
        cache.putObject("inputs").set("model", sampler.get("model"));
        ((ObjectNode) cache.get("inputs")).put("reuse_threshold", 3.0).put("start_percent", 0.0).put("end_percent", 1.0)
                .put("verbose", false);
        cache.putObject("_meta").put("title", "EasyCache");
        ObjectNode attention = prompt.putObject("901");
        attention.put("class_type", "AttentionSelect");
        attention.putObject("inputs").put("mode", "auto-runtime").putArray("model").add("900").add(0);
        attention.putObject("_meta").put("title", "AttentionSelect");
        sampler.putArray("model").add("901").add(0);
        return prompt;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asText()));
        return out;
    }

    private static void requireTools() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("the browser test needs Debian's chromium at " + CHROMIUM + ": apt-get install chromium (.ci/run installs it)");
        }
        if (!onPath("node") || !onPath("npm")) {
            fail("the browser test needs node and npm to run playwright-core: apt-get install nodejs npm (.ci/run installs them)");
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        // read while it runs, so a chatty child never blocks on a full pipe
        var output = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(output);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        boolean done = p.waitFor(150, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        reader.join(5000);
        String out = output.toString(StandardCharsets.UTF_8);
        return new Result(done ? p.exitValue() : -1, done ? out : "timed out after 150 s:\n" + out);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
