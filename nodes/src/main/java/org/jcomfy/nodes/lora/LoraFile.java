package org.jcomfy.nodes.lora;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A LoRA file's tensors grouped by the module they change. A key is a module name plus one of
 * the suffixes Wan LoRAs ship with: {@code .lora_up.weight} / {@code .lora_down.weight}
 * (ComfyUI, kohya), {@code .lora_B.weight} / {@code .lora_A.weight} and bare {@code .lora_B} /
 * {@code .lora_A} (diffusers / PEFT), {@code .alpha}, and the full-weight {@code .diff} and
 * {@code .diff_b} (bias). Keys of other adapter kinds (LoHa, LoKr, DoRA scales, ...) are kept as
 * {@link #unknownKeys} so they are reported, never dropped silently. The tensors are copied out of
 * the file, which is closed when reading ends.
 *
 * @param origin      the file, for messages
 * @param modules     module name as written in the file → its parts
 * @param unknownKeys keys with no suffix this reader knows
 */
public record LoraFile(String origin, Map<String, Parts> modules, List<String> unknownKeys) {

    /** The kinds of tensor a module's keys hold, each with the suffixes that name it. */
    enum Part {
        // longest first where one suffix ends another: .lora_B.weight is not read as .lora_B
        UP(".lora_up.weight", ".lora_B.weight", ".lora_B"),
        DOWN(".lora_down.weight", ".lora_A.weight", ".lora_A"),
        ALPHA(".alpha"),
        DIFF_B(".diff_b"),
        DIFF(".diff");

        final List<String> suffixes;

        Part(String... suffixes) { this.suffixes = List.of(suffixes); }
    }

    /** What a file holds for one module; any part may be null. */
    public static final class Parts {
        Tensor up, down, diff, diffBias;
        Float alpha;
        final Map<Part, String> keys = new EnumMap<>(Part.class); // part → file key, for reports

        public Tensor up() { return up; }
        public Tensor down() { return down; }
        public Float alpha() { return alpha; }
        public Tensor diff() { return diff; }
        public Tensor diffBias() { return diffBias; }
    }

    /** Reads {@code path}; {@code origin} names it in reports (the name the user chose, not the server's path). */
    public static LoraFile read(Path path, String origin) {
        try (SafeTensorsFile file = SafeTensorsFile.open(path)) {
            Map<String, Parts> modules = new LinkedHashMap<>();
            List<String> unknown = new ArrayList<>();
            for (String key : file.names()) {
                Part part = null;
                String suffix = null;
                for (Part p : Part.values()) {
                    for (String sfx : p.suffixes) {
                        if (part == null && key.endsWith(sfx)) {
                            part = p;
                            suffix = sfx;
                        }
                    }
                }
                if (part == null) {
                    unknown.add(key);
                    continue;
                }
                String module = normalise(key.substring(0, key.length() - suffix.length()));
                Parts parts = modules.computeIfAbsent(module, m -> new Parts());
                Tensor t = file.tensor(key);
                parts.keys.put(part, key);
                switch (part) {
                    case UP -> parts.up = t.copy();
                    case DOWN -> parts.down = t.copy();
                    case ALPHA -> parts.alpha = t.getFloat(0);
                    case DIFF -> parts.diff = t.copy();
                    case DIFF_B -> parts.diffBias = t.copy();
                }
            }
            return new LoraFile(origin, modules, List.copyOf(unknown));
        }
    }

    /** Wan "Fun" LoRAs write {@code lora_unet__blocks_...} (ComfyUI's {@code convert_lora_wan_fun}). */
    private static String normalise(String module) {
        return module.startsWith("lora_unet__") ? "lora_unet_" + module.substring("lora_unet__".length()) : module;
    }

    /**
     * The patches this file makes to a model whose tensors are {@code model}, where {@code index}
     * ({@link LoraKeys#index}, or {@link LoraKeys#textEncoderIndex} with {@code textEncoder}) names
     * its modules; and every key it
     * cannot apply with the reason: no such module, a missing half of a low-rank pair, shapes that
     * do not fit the tensor, or an adapter kind not supported.
     */
    public LoraMatch match(Map<String, Tensor> model, Map<String, String> index, boolean textEncoder) {
        List<LoraPatch> patches = new ArrayList<>();
        Map<String, String> notLoaded = new LinkedHashMap<>();
        for (String key : unknownKeys) notLoaded.put(key, "not a LoRA, diff or alpha key jcomfy applies");
        modules.forEach((name, parts) -> {
            String module = index.get(name);
            if (module == null) {
                String reason = LoraKeys.isTextEncoder(name) == textEncoder
                        ? "no such module in the " + (textEncoder ? "text encoder" : "diffusion model")
                        : textEncoder ? "a diffusion-model key, not of the text encoder" : "a text-encoder key, not of the diffusion model";
                parts.keys.values().forEach(k -> notLoaded.put(k, reason));
                return;
            }
            String weightKey = model.containsKey(module + ".weight") ? module + ".weight" : module;
            if (parts.up != null || parts.down != null) {
                String problem = parts.up == null || parts.down == null ? "a LoRA pair needs both up and down"
                        : lowRankProblem(parts.up, parts.down, model.get(weightKey));
                if (problem == null) patches.add(new LoraPatch.LowRank(weightKey, parts.up, parts.down, parts.alpha));
                else reportParts(parts, notLoaded, problem, Part.UP, Part.DOWN, Part.ALPHA);
            } else if (parts.alpha != null) {
                notLoaded.put(parts.keys.get(Part.ALPHA), "an alpha without a LoRA pair");
            }
            if (parts.diff != null) {
                String problem = diffProblem(parts.diff, model.get(weightKey));
                if (problem == null) patches.add(new LoraPatch.Diff(weightKey, parts.diff));
                else reportParts(parts, notLoaded, problem, Part.DIFF);
            }
            if (parts.diffBias != null) {
                String biasKey = module + ".bias";
                String problem = model.containsKey(biasKey) ? diffProblem(parts.diffBias, model.get(biasKey)) : "the module has no bias";
                if (problem == null) patches.add(new LoraPatch.Diff(biasKey, parts.diffBias));
                else reportParts(parts, notLoaded, problem, Part.DIFF_B);
            }
        });
        return new LoraMatch(origin, List.copyOf(patches), java.util.Collections.unmodifiableMap(notLoaded));
    }

    private static void reportParts(Parts parts, Map<String, String> notLoaded, String problem, Part... which) {
        for (Part part : which) {
            String key = parts.keys.get(part);
            if (key != null) notLoaded.put(key, problem);
        }
    }

    /** Why {@code up @ down} cannot be added to {@code target}, or null when it can. */
    private static String lowRankProblem(Tensor up, Tensor down, Tensor target) {
        long rank = down.dim(0);
        boolean fits = up.rank() >= 2 && down.rank() >= 2 && up.numel() == up.dim(0) * rank
                && up.dim(0) == target.dim(0) && up.dim(0) * (down.numel() / rank) == target.numel();
        return fits ? null : "up " + Arrays.toString(up.shape()) + " @ down " + Arrays.toString(down.shape())
                + " does not fit the model's " + Arrays.toString(target.shape());
    }

    private static String diffProblem(Tensor diff, Tensor target) {
        return Arrays.equals(diff.shape(), target.shape()) ? null
                : "shape " + Arrays.toString(diff.shape()) + " is not the model's " + Arrays.toString(target.shape());
    }
}
