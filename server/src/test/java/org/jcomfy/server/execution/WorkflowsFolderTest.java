package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every UI-format file in {@code workflows/} converts, has an up-to-date API-format twin in
 * {@code workflows/api/}, and validates; the demo ones also run end to end on the demo models.
 * The twins are written by running this test with {@code -Djcomfy.writeWorkflowTwins=true}.
 */
class WorkflowsFolderTest {
    private static final Path FOLDER = Path.of(System.getProperty("jcomfy.testdata")).resolveSibling("workflows");

    static Stream<String> workflows() throws Exception {
        try (Stream<Path> files = Files.list(FOLDER)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
            assertTrue(names.size() >= 2, "workflows/ holds " + names);
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("workflows")
    void the_workflow_converts_to_its_api_twin_validates_and_the_demo_ones_run(String file) throws Exception {
        JsonNode workflow = Json.MAPPER.readTree(FOLDER.resolve(file).toFile());
        assertTrue(UiWorkflowConverter.isUiWorkflow(workflow), file + " is a UI-format file (as the frontend saves it)");
        ObjectNode prompt = new UiWorkflowConverter(NodeRegistry.load()).convert(workflow);
        Path twin = FOLDER.resolve("api").resolve(file.replace(".json", ".api.json"));
        if (Boolean.getBoolean("jcomfy.writeWorkflowTwins")) {
            Files.createDirectories(twin.getParent());
            Files.writeString(twin, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(prompt) + "\n");
        }
        assertTrue(Files.isRegularFile(twin), "no API twin " + twin + " (write it with -Djcomfy.writeWorkflowTwins=true)");
        assertEquals(Json.MAPPER.readTree(twin.toFile()), prompt, twin + " is not the conversion of " + file);

        boolean demo = file.contains("demo");
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("folder")) {
            DemoModels.ensure(server.base.resolve("models"), System.out);
            if (!demo) {
                for (JsonNode node : prompt) {
                    ObjectNode inputs = (ObjectNode) node.get("inputs");
                    // the real-weights workflows validate with their model names pointed at the demo files
                    ReferenceWorkflowsTest.MODEL_INPUTS.forEach((input, demoFile) -> { if (inputs.has(input)) inputs.put(input, demoFile); });
                }
            }
            ValidationResult result = new PromptValidator(NodeRegistry.load(), server.environment).validate(prompt, null);
            assertNull(result.error(), () -> file + ": " + result.error() + " " + result.nodeErrors());
            if (!demo) return;
            String id = server.submit(prompt.toString(), "folder");
            List<String> types = TestWebSocket.types(ws.untilDone(id));
            assertTrue(types.contains("execution_success"), file + ": " + types);
            assertTrue(server.awaitHistory(id).path("outputs").size() >= 1, file + " saved nothing");
        }
    }
}
