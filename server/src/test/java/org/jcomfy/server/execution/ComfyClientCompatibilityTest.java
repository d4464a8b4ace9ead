package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.TestServer;

/**
 * A real third-party ComfyUI client from npm ({@code @stable-canvas/comfyui-client}, see
 * {@code src/test/js}) runs EmptyImage → ImageInvert → SaveImage against the server, follows it
 * over the WebSocket and downloads the PNG via /view. Skipped only when npm is not installed.
 */
class ComfyClientCompatibilityTest {

    @Test
    void a_third_party_comfyui_client_runs_a_prompt_and_downloads_the_image() throws Exception {
        Assumptions.assumeTrue(onPath("npm") && onPath("node"), "npm/node are not installed");
        Path js = Path.of("src/test/js").toAbsolutePath();
        if (!Files.isDirectory(js.resolve("node_modules"))) {
            assertEquals(0, run(js, List.of("npm", "ci", "--no-audit", "--no-fund")).exitCode, "npm ci failed");
        }
        try (TestServer server = TestServer.start()) {
            Result r = run(js, List.of("node", "script.js", Integer.toString(server.port())));
            assertEquals(0, r.exitCode, r.output);
            String last = r.output.strip().lines().reduce((a, b) -> b).orElse("");
            JsonNode report = Json.MAPPER.readTree(last);
            assertTrue(report.get("ok").asBoolean(), last);
            assertEquals(64, report.get("width").asInt());
            assertEquals(32, report.get("height").asInt());
            assertTrue(report.get("hasPromptChunk").asBoolean());
            assertEquals("success", report.get("status").asText());
            assertTrue(report.get("url").asText().contains("subfolder=compat"), last);
            Path saved = server.environment.outputDirectory().resolve("compat/npm_00001_.png");
            assertTrue(Files.isRegularFile(saved), "the PNG is in the output folder");
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(done ? p.exitValue() : -1, out);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(File.pathSeparator)) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }
}
