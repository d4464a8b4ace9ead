package org.jcomfy.nodes.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jcomfy.nodes.models.tokenizer.PromptWeights.Segment;
import org.junit.jupiter.api.Test;

class PromptWeightsTest {
    @Test
    void plain_text_is_one_segment_of_weight_1() {
        assertEquals(List.of(new Segment("a cat, 4k", 1.0)), PromptWeights.parse("a cat, 4k"));
    }

    @Test
    void parentheses_multiply_by_1_1_per_level() {
        List<Segment> s = PromptWeights.parse("a (cat) ((dog))");
        assertEquals("a ", s.get(0).text());
        assertEquals(new Segment("cat", 1.1), s.get(1));
        assertEquals(" ", s.get(2).text());
        assertEquals("dog", s.get(3).text());
        assertEquals(1.1 * 1.1, s.get(3).weight(), 1e-12);
    }

    @Test
    void explicit_weights_replace_the_factor_and_bad_numbers_stay_text() {
        assertEquals(List.of(new Segment("x ", 1.0), new Segment("red cat", 1.5)), PromptWeights.parse("x (red cat:1.5)"));
        assertEquals(List.of(new Segment("time:noon", 1.1)), PromptWeights.parse("(time:noon)"));
    }

    @Test
    void escaped_parentheses_are_literal() {
        assertEquals(List.of(new Segment("a (b) c", 1.0)), PromptWeights.parse("a \\(b\\) c"));
    }

    @Test
    void empty_prompt_has_no_segments() {
        assertEquals(List.of(), PromptWeights.parse(""));
    }
}
