package org.jcomfy.nodes.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.jcomfy.nodes.api.NodeRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The saved ComfyUI workflows convert to exactly the API prompts ComfyUI itself embedded in
 * their example outputs (testdata/reference-workflows/api), but for the frontend-only
 * {@code upload} and {@code video-preview} keys that newer frontends add.
 */
class ReferenceWorkflowConversionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EPHEMERAL = Set.of("upload", "video-preview");

    @ParameterizedTest
    @CsvSource({
        "text_to_video_wan.json, text_to_video_wan.api.json",
        "image_to_video_wan_example.json, image_to_video_wan_example.api.json",
        "text_to_video_wan22_14B.json, text_to_video_wan22_14B.api.json",
        "image_to_video_wan22_14B.json, image_to_video_wan22_14B.api.json",
        "image_to_video_wan22_5B.json, image_to_video_wan22_5B.api.json",
    })
    void ui_workflow_converts_to_the_prompt_comfyui_embedded(String ui, String api) throws Exception {
        Path dir = Path.of(System.getProperty("jcomfy.testdata"), "reference-workflows");
        JsonNode workflow = JSON.readTree(dir.resolve(ui).toFile());
        JsonNode expected = JSON.readTree(dir.resolve("api").resolve(api).toFile());
        ObjectNode actual = new UiWorkflowConverter(NodeRegistry.load()).convert(workflow);

        assertEquals(new TreeSet<>(iterable(expected.fieldNames())), new TreeSet<>(iterable(actual.fieldNames())), "node ids");
        for (String id : iterable(expected.fieldNames())) {
            JsonNode e = expected.get(id), a = actual.get(id);
            assertEquals(e.get("class_type"), a.get("class_type"), "class of node " + id);
            ObjectNode expectedInputs = ((ObjectNode) e.get("inputs")).deepCopy();
            EPHEMERAL.forEach(expectedInputs::remove);
            assertEquals(normalise(expectedInputs), normalise(a.get("inputs")), "inputs of node " + id + " (" + e.get("class_type").asText() + ")");
        }
    }

    /** Numbers compare by value: 16 and 16.0 are the same widget value. */
    private static JsonNode normalise(JsonNode inputs) {
        ObjectNode out = JSON.createObjectNode();
        for (String k : new TreeSet<>(iterable(inputs.fieldNames()))) {
            JsonNode v = inputs.get(k);
            out.set(k, v.isNumber() ? JSON.getNodeFactory().numberNode(v.decimalValue().stripTrailingZeros()) : v);
        }
        return out;
    }

    private static java.util.List<String> iterable(java.util.Iterator<String> it) {
        java.util.List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
