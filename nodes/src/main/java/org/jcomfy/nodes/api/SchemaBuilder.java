package org.jcomfy.nodes.api;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Declares a schema in reading order:
 * <pre>{@code
 * NodeSchema.builder("EmptyImage").category("image").displayName("EmptyImage")
 *     .requiredInt("width", 512, 1, 16384, 1)
 *     .output("IMAGE")
 *     .build();
 * }</pre>
 * Input methods add to the section chosen last ({@link #optional()}, {@link #hidden()}); the default is required.
 */
public final class SchemaBuilder {
    public static final BigInteger UINT64_MAX = new BigInteger("18446744073709551615");
    public static final int MAX_RESOLUTION = 16384;

    private final String name;
    private String displayName;
    private String category = "sd";
    private String description = "";
    private String pythonModule = "nodes";
    private final List<InputSpec> required = new ArrayList<>();
    private final List<InputSpec> optional = new ArrayList<>();
    private final List<InputSpec> hidden = new ArrayList<>();
    private List<InputSpec> section = required;
    private final List<OutputSpec> outputs = new ArrayList<>();
    private boolean outputNode, inputList, notIdempotent, deprecated, experimental, v3;
    private final List<String> searchAliases = new ArrayList<>();
    private final Map<String, InputCheck> inputChecks = new LinkedHashMap<>();
    private InputSpec lastInput;

    SchemaBuilder(String name) {
        this.name = name;
        this.displayName = name;
    }

    public SchemaBuilder displayName(String s) { displayName = s; return this; }
    public SchemaBuilder category(String s) { category = s; return this; }
    public SchemaBuilder description(String s) { description = s; return this; }
    public SchemaBuilder pythonModule(String s) { pythonModule = s; return this; }
    public SchemaBuilder outputNode() { outputNode = true; return this; }
    public SchemaBuilder inputIsList() { inputList = true; return this; }
    public SchemaBuilder notIdempotent() { notIdempotent = true; return this; }
    public SchemaBuilder deprecated() { deprecated = true; return this; }
    public SchemaBuilder experimental() { experimental = true; return this; }
    public SchemaBuilder searchAliases(String... a) { searchAliases.addAll(List.of(a)); return this; }

    /** V3 style: COMBO written as {@code ["COMBO", {"options": [...]}]}; output nodes get hidden prompt/extra_pnginfo. */
    public SchemaBuilder v3() { v3 = true; return this; }

    public SchemaBuilder required() { section = required; return this; }
    public SchemaBuilder optional() { section = optional; return this; }
    public SchemaBuilder hidden() { section = hidden; return this; }

    // ---- inputs --------------------------------------------------------------------

    public SchemaBuilder intInput(String n, long def, long min, long max, long step, Object... extra) {
        return add(new InputSpec.IntInput(n, BigInteger.valueOf(def), BigInteger.valueOf(min), BigInteger.valueOf(max), step, map(extra)));
    }

    /** An unsigned 64-bit seed with the frontend's "control after generate" widget. */
    public SchemaBuilder seedInput(String n, Object... extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("control_after_generate", true);
        m.putAll(map(extra));
        return add(new InputSpec.IntInput(n, BigInteger.ZERO, BigInteger.ZERO, UINT64_MAX, 1, m));
    }

    public SchemaBuilder floatInput(String n, double def, double min, double max, double step, Object... extra) {
        return add(new InputSpec.FloatInput(n, def, min, max, step, null, map(extra)));
    }

    /** A FLOAT whose value the frontend rounds to {@code round} (KSampler's cfg uses 0.01). */
    public SchemaBuilder roundedFloatInput(String n, double def, double min, double max, double step, double round, Object... extra) {
        return add(new InputSpec.FloatInput(n, def, min, max, step, round, map(extra)));
    }

    public SchemaBuilder stringInput(String n, String def, boolean multiline, Object... extra) {
        return add(new InputSpec.StringInput(n, def, multiline, map(extra)));
    }

    public SchemaBuilder booleanInput(String n, boolean def, Object... extra) {
        return add(new InputSpec.BooleanInput(n, def, map(extra)));
    }

    /** A fixed list of options; the default is the first, as in ComfyUI. */
    public SchemaBuilder comboInput(String n, List<String> options, Object... extra) {
        List<String> fixed = List.copyOf(options);
        return add(new InputSpec.ComboInput(n, env -> fixed, null, map(extra)));
    }


    /** A fixed list of options with a default other than the first. */
    public SchemaBuilder comboInputWithDefault(String n, List<String> options, String def, Object... extra) {
        List<String> fixed = List.copyOf(options);
        return add(new InputSpec.ComboInput(n, env -> fixed, def, map(extra)));
    }

    /** A combo whose options are computed per request, e.g. the files of a model folder. */
    public SchemaBuilder dynamicComboInput(String n, Function<NodeEnvironment, List<String>> options, Object... extra) {
        return add(new InputSpec.ComboInput(n, options, null, map(extra)));
    }

    /** A combo listing the files of a model folder such as {@code diffusion_models}. */
    public SchemaBuilder modelFileInput(String n, String folder, Object... extra) {
        return dynamicComboInput(n, env -> env.modelFiles(folder), extra);
    }

    public SchemaBuilder socketInput(String n, String type, Object... extra) {
        return add(new InputSpec.SocketInput(n, type, map(extra)));
    }

    public SchemaBuilder hiddenInput(String n, String type) {
        hidden.add(new InputSpec.HiddenInput(n, type, Map.of()));
        return this;
    }

    /** Adds a check of the input declared just before (validation runs it on the constant value). */
    public SchemaBuilder check(InputCheck check) {
        if (lastInput == null) throw new IllegalStateException(name + ": check() must follow the input it checks");
        inputChecks.put(lastInput.name(), check);
        return this;
    }

    // ---- outputs -------------------------------------------------------------------

    public SchemaBuilder output(String type) { outputs.add(OutputSpec.of(type)); return this; }
    public SchemaBuilder output(String type, String outName) { outputs.add(OutputSpec.of(type, outName)); return this; }
    public SchemaBuilder output(OutputSpec spec) { outputs.add(spec); return this; }

    public NodeSchema build() {
        if (v3 && outputNode) {
            if (hidden.stream().noneMatch(h -> h.name().equals("prompt"))) hiddenInput("prompt", "PROMPT");
            if (hidden.stream().noneMatch(h -> h.name().equals("extra_pnginfo"))) hiddenInput("extra_pnginfo", "EXTRA_PNGINFO");
        }
        Set<String> seen = new HashSet<>();
        for (List<InputSpec> l : List.of(required, optional, hidden)) {
            for (InputSpec s : l) {
                if (!seen.add(s.name())) throw new IllegalStateException(name + ": input '" + s.name() + "' declared twice");
            }
        }
        return new NodeSchema(name, displayName, category, description, pythonModule, List.copyOf(required),
                List.copyOf(optional), List.copyOf(hidden), List.copyOf(outputs), outputNode, inputList,
                notIdempotent, deprecated, experimental, v3, List.copyOf(searchAliases), Map.copyOf(inputChecks));
    }

    private SchemaBuilder add(InputSpec spec) {
        section.add(spec);
        lastInput = spec;
        return this;
    }

    /** Key/value pairs: {@code "tooltip", "...", "display", "slider"}. */
    private static Map<String, Object> map(Object... kv) {
        if (kv.length % 2 != 0) throw new IllegalArgumentException("option pairs must come as key, value");
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
