package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jcomfy.server.http.Json;

class ObjectInfoTest {
    static TestServer s;
    static JsonNode all;
    static String raw;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(TestNodes.schemaOnly());
        Files.createDirectories(s.base.resolve("models/vae/sub"));
        Files.writeString(s.base.resolve("models/vae/wan_2.1_vae.safetensors"), "x");
        Files.writeString(s.base.resolve("models/vae/sub/other.pt"), "x");
        Files.writeString(s.base.resolve("models/vae/readme.txt"), "x");
        raw = s.get("/api/object_info").body();
        all = Json.MAPPER.readTree(raw);
    }

    @AfterAll static void stop() { s.close(); }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void nodes_appear_in_registration_order_and_a_node_that_cannot_describe_itself_is_left_out() {
        assertEquals(List.of("TestSamplerLike", "TestVideoLike"), keys(all));
    }

    @Test
    void a_v1_node_has_comfyuis_v1_keys_in_order_and_omits_unset_ones() {
        JsonNode d = all.get("TestSamplerLike");
        assertEquals(List.of("input", "input_order", "is_input_list", "output", "output_is_list", "output_name", "name",
                "display_name", "description", "python_module", "category", "output_node", "has_intermediate_output",
                "output_tooltips", "search_aliases"), keys(d));
        assertEquals("[\"LATENT\",\"IMAGE\"]", d.get("output").toString());
        assertEquals("[false,true]", d.get("output_is_list").toString());
        assertEquals("[\"LATENT\",\"preview\"]", d.get("output_name").toString());
        assertEquals("[null,\"a preview\"]", d.get("output_tooltips").toString());
        assertEquals("Test Sampler Like", d.get("display_name").asText());
        assertEquals("testing/sampling", d.get("category").asText());
        assertEquals("nodes", d.get("python_module").asText());
        assertEquals("[\"ksampler-ish\"]", d.get("search_aliases").toString());
    }

    @Test
    void v1_inputs_keep_declaration_order_and_repeat_it_in_input_order() {
        JsonNode d = all.get("TestSamplerLike");
        List<String> required = List.of("model", "seed", "steps", "width", "cfg", "sampler_name", "text", "enabled");
        assertEquals(required, keys(d.get("input").get("required")));
        assertEquals(List.of("required", "optional", "hidden"), keys(d.get("input")));
        assertEquals(Json.MAPPER.valueToTree(required), d.get("input_order").get("required"));
        assertEquals("[\"mask\",\"vae_name\"]", d.get("input_order").get("optional").toString());
        assertEquals("[\"unique_id\"]", d.get("input_order").get("hidden").toString());
    }

    @Test
    void v1_input_specs_are_written_as_comfyui_writes_them() {
        JsonNode req = all.get("TestSamplerLike").get("input").get("required");
        assertEquals("[\"MODEL\",{\"tooltip\":\"the model\"}]", req.get("model").toString());
        assertEquals("[\"INT\",{\"default\":20,\"min\":1,\"max\":10000}]", req.get("steps").toString());
        assertEquals("[\"INT\",{\"default\":832,\"min\":16,\"max\":16384,\"step\":16}]", req.get("width").toString());
        assertEquals("[\"FLOAT\",{\"default\":8.0,\"min\":0.0,\"max\":100.0,\"step\":0.1,\"round\":0.01}]", req.get("cfg").toString());
        assertEquals("[[\"euler\",\"uni_pc\"]]", req.get("sampler_name").toString());
        assertEquals("[\"STRING\",{\"multiline\":true,\"dynamicPrompts\":true}]", req.get("text").toString());
        assertEquals("[\"BOOLEAN\",{\"default\":true,\"label_on\":\"yes\",\"label_off\":\"no\"}]", req.get("enabled").toString());
        JsonNode input = all.get("TestSamplerLike").get("input");
        assertEquals("[\"MASK\"]", input.get("optional").get("mask").toString());
        assertEquals("\"UNIQUE_ID\"", input.get("hidden").get("unique_id").toString());
    }

    @Test
    void the_seed_maximum_is_printed_as_the_exact_unsigned_64_bit_integer() {
        assertTrue(raw.contains("\"seed\":[\"INT\",{\"default\":0,\"min\":0,\"max\":18446744073709551615,"
                + "\"control_after_generate\":true,\"tooltip\":\"noise seed\"}]"), raw);
    }

    @Test
    void a_model_file_combo_lists_the_folder_recursively_filtered_by_extension() {
        assertEquals("[[\"sub/other.pt\",\"wan_2.1_vae.safetensors\"]]",
                all.get("TestSamplerLike").get("input").get("optional").get("vae_name").toString());
    }

    @Test
    void a_v3_node_writes_every_field_with_nulls_combo_as_COMBO_and_hidden_as_arrays() {
        JsonNode d = all.get("TestVideoLike");
        assertEquals(List.of("input", "input_order", "is_input_list", "output", "output_is_list", "output_name",
                "output_tooltips", "output_matchtypes", "name", "display_name", "description", "python_module", "category",
                "output_node", "deprecated", "experimental", "dev_only", "api_node", "price_badge", "search_aliases",
                "essentials_category", "has_intermediate_output"), keys(d));
        assertTrue(d.get("display_name").isNull());
        assertTrue(d.get("search_aliases").isNull());
        assertEquals(true, d.get("experimental").asBoolean());
        assertEquals("[\"COMBO\",{\"options\":[\"vp9\",\"av1\"],\"default\":\"av1\"}]", d.get("input").get("required").get("codec").toString());
        assertEquals("[\"IMAGE\",{}]", d.get("input").get("required").get("images").toString());
        assertEquals("{\"prompt\":[\"PROMPT\"],\"extra_pnginfo\":[\"EXTRA_PNGINFO\"]}", d.get("input").get("hidden").toString());
        assertEquals("[]", d.get("output").toString());
        assertEquals("comfy_extras.nodes_test", d.get("python_module").asText());
    }

    @Test
    void one_class_is_served_alone_and_an_unknown_class_is_an_empty_object() {
        JsonNode one = TestServer.json(s.get("/object_info/TestVideoLike"));
        assertEquals(List.of("TestVideoLike"), keys(one));
        assertEquals(all.get("TestVideoLike"), one.get("TestVideoLike"));
        var unknown = s.get("/api/object_info/NoSuchNode");
        assertEquals(200, unknown.statusCode());
        assertEquals("{}", unknown.body());
        assertEquals("{}", s.get("/api/object_info/TestBrokenOptions").body());
        assertFalse(raw.contains("at org."), "no stack traces");
    }
}
