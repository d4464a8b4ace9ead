package org.jcomfy.nodes.api;

import java.util.List;

/**
 * Everything {@code /object_info} says about a node, and everything validation checks.
 *
 * @param name          the class_type, e.g. {@code KSampler}
 * @param displayName   shown in the UI; null lets the frontend use the name
 * @param category      slash path such as {@code sampling}
 * @param pythonModule  ComfyUI's module of origin ({@code nodes}, {@code comfy_extras.nodes_wan});
 *                      jcomfy's own nodes use {@code custom_nodes.jcomfy}
 * @param v3            serialise in ComfyUI's V3 style (COMBO as {@code ["COMBO",{options}]}, all fields)
 * @param notIdempotent the node id joins the cache key (the node must re-run per instance)
 * @param inputChecks   the node's own checks of single constant inputs, by input name
 */
public record NodeSchema(
        String name,
        String displayName,
        String category,
        String description,
        String pythonModule,
        List<InputSpec> required,
        List<InputSpec> optional,
        List<InputSpec> hidden,
        List<OutputSpec> outputs,
        boolean outputNode,
        boolean isInputList,
        boolean notIdempotent,
        boolean deprecated,
        boolean experimental,
        boolean v3,
        List<String> searchAliases,
        java.util.Map<String, InputCheck> inputChecks) {

    public static SchemaBuilder builder(String name) { return new SchemaBuilder(name); }

    /** All declared inputs: required, then optional, then hidden. */
    public List<InputSpec> allInputs() {
        java.util.ArrayList<InputSpec> all = new java.util.ArrayList<>(required);
        all.addAll(optional);
        all.addAll(hidden);
        return all;
    }

    public InputSpec input(String inputName) {
        for (InputSpec s : allInputs()) if (s.name().equals(inputName)) return s;
        return null;
    }
}
