package org.jcomfy.nodes.api;

/** One output slot: its type, the name the UI shows, whether it is a list, and a tooltip (may be null). */
public record OutputSpec(String type, String name, boolean isList, String tooltip) {
    public static OutputSpec of(String type) { return new OutputSpec(type, type, false, null); }

    public static OutputSpec of(String type, String name) { return new OutputSpec(type, name, false, null); }
}
