package org.jcomfy.nodes.primitive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.junit.jupiter.api.Test;

/** The primitive nodes pass their widget value through, with ComfyUI's V3 schemas. */
class PrimitiveNodesTest {
    @Test
    void each_primitive_passes_its_value_through() throws Exception {
        assertEquals(42L, new PrimitiveInt().execute(new NodeInputs(Map.of("value", 42L)), null).results().getFirst());
        assertEquals(0.5, new PrimitiveFloat().execute(new NodeInputs(Map.of("value", 0.5)), null).results().getFirst());
        assertEquals("hi", new PrimitiveString().execute(new NodeInputs(Map.of("value", "hi")), null).results().getFirst());
        assertEquals("a\nb", new PrimitiveStringMultiline().execute(new NodeInputs(Map.of("value", "a\nb")), null).results().getFirst());
        assertEquals(true, new PrimitiveBoolean().execute(new NodeInputs(Map.of("value", true)), null).results().getFirst());
    }

    @Test
    void schemas_follow_comfy_extras_nodes_primitive() {
        for (Node n : new PrimitiveNodes().nodes()) {
            assertEquals("utils/primitive", n.schema().category());
            assertEquals("comfy_extras.nodes_primitive", n.schema().pythonModule());
            assertTrue(n.schema().v3());
            assertEquals("value", n.schema().required().getFirst().name());
        }
        InputSpec.IntInput value = (InputSpec.IntInput) new PrimitiveInt().schema().required().getFirst();
        assertEquals(Long.MAX_VALUE, value.max().longValue());
        assertEquals(-Long.MAX_VALUE, value.min().longValue());
        assertEquals(true, value.extra().get("control_after_generate"));
        assertTrue(((InputSpec.StringInput) new PrimitiveStringMultiline().schema().required().getFirst()).multiline());
        assertEquals("String (Multiline)", new PrimitiveStringMultiline().schema().displayName());
    }
}
