package org.jcomfy.nodes.models.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's prompt-weight syntax ({@code comfy/sd1_clip.py}: {@code token_weights},
 * {@code escape_important}): {@code (text)} multiplies the weight by 1.1 per nesting level,
 * {@code (text:1.5)} sets it, and {@code \(} / {@code \)} are literal parentheses.
 * The result is the text cut into segments, each tokenized separately with its weight.
 */
public final class PromptWeights {
    /** A run of prompt text and the weight its tokens get. */
    public record Segment(String text, double weight) {}

    private static final String ESCAPED_CLOSE = "\0\1";
    private static final String ESCAPED_OPEN = "\0\2";

    private PromptWeights() {}

    public static List<Segment> parse(String prompt) {
        String escaped = prompt.replace("\\)", ESCAPED_CLOSE).replace("\\(", ESCAPED_OPEN);
        List<Segment> out = new ArrayList<>();
        for (Segment s : weights(escaped, 1.0)) {
            out.add(new Segment(s.text().replace(ESCAPED_CLOSE, ")").replace(ESCAPED_OPEN, "("), s.weight()));
        }
        return out;
    }

    private static List<Segment> weights(String text, double current) {
        List<Segment> out = new ArrayList<>();
        for (String part : splitTopLevelParentheses(text)) {
            if (part.length() >= 2 && part.charAt(0) == '(' && part.charAt(part.length() - 1) == ')') {
                String inner = part.substring(1, part.length() - 1);
                double weight = current * 1.1;
                int colon = inner.lastIndexOf(':');
                if (colon > 0) {
                    Double explicit = parsePythonFloat(inner.substring(colon + 1));
                    if (explicit != null) {
                        weight = explicit;
                        inner = inner.substring(0, colon);
                    }
                }
                out.addAll(weights(inner, weight));
            } else {
                out.add(new Segment(part, current));
            }
        }
        return out;
    }

    /** ComfyUI's {@code parse_parentheses}: top-level "(...)" groups and the text between them. */
    private static List<String> splitTopLevelParentheses(String text) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int nesting = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '(') {
                if (nesting == 0) {
                    if (!current.isEmpty()) result.add(current.toString());
                    current.setLength(0);
                }
                current.append(ch);
                nesting++;
            } else if (ch == ')') {
                nesting--;
                if (nesting == 0) {
                    result.add(current.append(')').toString());
                    current.setLength(0);
                } else {
                    current.append(ch);
                }
            } else {
                current.append(ch);
            }
        }
        if (!current.isEmpty()) result.add(current.toString());
        return result;
    }

    /** Python's {@code float(s)} for the forms prompts use (surrounding whitespace allowed), or null. */
    private static Double parsePythonFloat(String s) {
        String t = s.strip();
        if (t.isEmpty() || !t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(inf|infinity|nan)")) return null;
        return Double.parseDouble(t.replace("infinity", "Infinity").replace("inf", "Infinity").replace("nan", "NaN"));
    }
}
