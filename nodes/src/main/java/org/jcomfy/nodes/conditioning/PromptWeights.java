package org.jcomfy.nodes.conditioning;

import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's prompt-weight syntax: {@code (text)} multiplies the weight by 1.1, {@code (text:1.3)}
 * sets it, groups nest, and {@code \(} / {@code \)} are literal parentheses. The text encoder
 * tokenizes each segment separately and weights its tokens.
 */
public final class PromptWeights {
    private PromptWeights() {}

    /** A run of prompt text and the weight of its tokens. */
    public record Segment(String text, double weight) {}

    // Escaped parentheses are hidden behind control characters while parsing, as ComfyUI does.
    private static final String OPEN = "\u0000\u0002", CLOSE = "\u0000\u0001";

    public static List<Segment> parse(String prompt) {
        String escaped = prompt.replace("\\)", CLOSE).replace("\\(", OPEN);
        List<Segment> out = new ArrayList<>();
        weigh(escaped, 1.0, out);
        return out.stream().map(s -> new Segment(s.text().replace(CLOSE, ")").replace(OPEN, "("), s.weight())).toList();
    }

    private static void weigh(String text, double current, List<Segment> out) {
        for (String part : topLevelGroups(text)) {
            if (part.length() >= 2 && part.charAt(0) == '(' && part.charAt(part.length() - 1) == ')') {
                String inner = part.substring(1, part.length() - 1);
                double weight = current * 1.1;
                int colon = inner.lastIndexOf(':');
                if (colon > 0) {
                    try {
                        weight = Double.parseDouble(inner.substring(colon + 1).trim());
                        inner = inner.substring(0, colon);
                    } catch (NumberFormatException notAWeight) {
                        // "(a:b)" without a number keeps the 1.1 factor and the colon, like ComfyUI.
                    }
                }
                weigh(inner, weight, out);
            } else {
                out.add(new Segment(part, current));
            }
        }
    }

    /** Splits into plain runs and balanced top-level {@code (...)} groups. */
    private static List<String> topLevelGroups(String s) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (char c : s.toCharArray()) {
            if (c == '(') {
                if (depth == 0 && !cur.isEmpty()) {
                    parts.add(cur.toString());
                    cur.setLength(0);
                }
                cur.append(c);
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                cur.append(c);
                if (depth == 0) {
                    parts.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) parts.add(cur.toString());
        return parts;
    }
}
