package org.jcomfy.nodes.conditioning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jcomfy.nodes.conditioning.PromptWeights.Segment;
import org.junit.jupiter.api.Test;

class PromptWeightsTest {
    @Test
    void plain_text_is_one_segment_of_weight_one() {
        assertEquals(List.of(new Segment("a fox in snow", 1.0)), PromptWeights.parse("a fox in snow"));
    }

    @Test
    void an_explicit_weight_sets_the_group_weight() {
        assertEquals(List.of(new Segment("a ", 1.0), new Segment("fox", 1.3), new Segment(" in snow", 1.0)),
                PromptWeights.parse("a (fox:1.3) in snow"));
    }

    @Test
    void bare_parentheses_multiply_by_1_1_and_nest() {
        List<Segment> s = PromptWeights.parse("((fox))");
        assertEquals(1, s.size());
        assertEquals("fox", s.get(0).text());
        assertEquals(1.1 * 1.1, s.get(0).weight(), 1e-12);
    }

    @Test
    void escaped_parentheses_stay_literal_text() {
        assertEquals(List.of(new Segment("smile (happy)", 1.0)), PromptWeights.parse("smile \\(happy\\)"));
    }

    @Test
    void a_colon_without_a_number_keeps_the_text_and_the_default_factor() {
        List<Segment> s = PromptWeights.parse("(time: noon)");
        assertEquals("time: noon", s.get(0).text());
        assertEquals(1.1, s.get(0).weight(), 1e-12);
    }
}
