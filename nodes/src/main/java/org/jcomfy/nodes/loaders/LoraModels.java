package org.jcomfy.nodes.loaders;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.lora.LoraFile;
import org.jcomfy.nodes.lora.LoraKeys;
import org.jcomfy.nodes.lora.LoraMatch;
import org.jcomfy.nodes.lora.LoraPatch;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.TextEncoder;

/**
 * Puts a LoRA from {@code models/loras} on a MODEL or a CLIP. The patched weights are computed once
 * per (base model file, LoRA stack with strengths) and held in the shared objects, so prompts with
 * the same stack share them, and the base model, which is never written, stays as it is for the rest.
 */
final class LoraModels {
    private static final System.Logger LOG = System.getLogger(LoraModels.class.getName());

    private LoraModels() {}

    /** A LoRA file as read, with the file it came from. */
    record Loaded(ModelFile file, LoraFile lora) {}

    /** Reads (or finds in the shared objects) the LoRA {@code name} of {@code models/loras}. */
    static Loaded read(ExecutionContext ctx, String name) throws IOException {
        ModelFile file = ModelFile.of(ctx, "loras", name);
        LoraFile lora = ctx.shared().getOrLoad(file.label(), file.stamp(), file.stamp().size(),
                () -> LoraFile.read(file.path(), file.label()));
        return new Loaded(file, lora);
    }

    static LoraMatch match(DiffusionModel model, LoraFile lora) {
        WanDiffusionNet net = wan(model);
        return lora.match(net.baseTensors(), LoraKeys.index(net.baseTensors().keySet()), false);
    }

    static LoraMatch match(TextEncoder clip, LoraFile lora) {
        WanTextEncoder encoder = wan(clip);
        Map<String, Tensor> tensors = encoder.baseTensors();
        return lora.match(tensors, LoraKeys.textEncoderIndex(tensors.keySet()), true);
    }

    /** {@code model} with the LoRA at {@code strength} after the LoRAs it already has. */
    static DiffusionModel apply(ExecutionContext ctx, DiffusionModel model, Loaded lora, LoraMatch match, double strength) {
        WanDiffusionNet net = wan(model);
        List<AppliedLora> stack = stacked(net.loras(), lora, match, strength);
        WanDiffusionNet patched = ctx.shared().getOrLoad("lora|" + net.baseName() + "|" + describe(stack), versions(net.file(), stack),
                patchedBytes(net.baseTensors(), stack), () -> net.withLoras(stack));
        return new DiffusionModel(patched, model.latentFormat(), model.options());
    }

    /** {@code clip} with the LoRA at {@code strength} after the LoRAs it already has. */
    static TextEncoder apply(ExecutionContext ctx, TextEncoder clip, Loaded lora, LoraMatch match, double strength) {
        WanTextEncoder encoder = wan(clip);
        List<AppliedLora> stack = stacked(encoder.loras(), lora, match, strength);
        return ctx.shared().getOrLoad("lora|" + encoder.file().label() + "|" + describe(stack), versions(encoder.file(), stack),
                patchedBytes(encoder.baseTensors(), stack), () -> encoder.withLoras(stack));
    }

    /**
     * Logs what a LoRA node did, as ComfyUI logs "lora key not loaded", and returns the node's UI
     * report when keys were not loaded (the file, the count and the first keys with their reasons,
     * so the frontend shows them next to the node rather than only in the server log); null when
     * every key applied.
     */
    static Map<String, List<Object>> report(String lora, int patched, Map<String, String> notLoaded) {
        String line = "LoRA " + lora + ": " + patched + " tensor(s) patched";
        if (notLoaded.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, line);
            return null;
        }
        LOG.log(System.Logger.Level.WARNING, line + ", " + notLoaded.size() + " key(s) not loaded, e.g. "
                + LoraMatch.describe(notLoaded, 5));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("lora", lora);
        entry.put("patched", patched);
        entry.put("not_loaded", notLoaded.size());
        entry.put("keys", LoraMatch.describe(notLoaded, 20));
        return Map.of("lora_keys_not_loaded", List.of(entry));
    }

    private static List<AppliedLora> stacked(List<AppliedLora> before, Loaded lora, LoraMatch match, double strength) {
        List<AppliedLora> stack = new ArrayList<>(before);
        stack.add(new AppliedLora(lora.file().label(), lora.file().stamp(), strength, match));
        return stack;
    }

    private static String describe(List<AppliedLora> stack) {
        return stack.stream().map(AppliedLora::describe).collect(Collectors.joining("|"));
    }

    /** The stamps of the base file and every LoRA file: a file changed on disk replaces the shared copy. */
    private static List<Object> versions(ModelFile base, List<AppliedLora> stack) {
        List<Object> version = new ArrayList<>(List.of(base.stamp()));
        stack.forEach(l -> version.add(l.stamp()));
        return version;
    }

    /** What the patched copies cost: one new tensor, in the base tensor's dtype, per patched key. */
    private static long patchedBytes(Map<String, Tensor> base, List<AppliedLora> stack) {
        Set<String> targets = new HashSet<>();
        for (AppliedLora l : stack) for (LoraPatch p : l.match().patches()) targets.add(p.target());
        long bytes = 0;
        for (String t : targets) bytes += base.get(t).numel() * base.get(t).dtype().byteSize();
        return bytes;
    }

    private static WanDiffusionNet wan(DiffusionModel model) {
        if (model.net() instanceof WanDiffusionNet net) return net;
        throw new IllegalArgumentException("LoRAs apply to Wan DiTs loaded from models/diffusion_models; this MODEL is "
                + model.net().architecture());
    }

    private static WanTextEncoder wan(TextEncoder clip) {
        if (clip instanceof WanTextEncoder encoder) return encoder;
        throw new IllegalArgumentException("LoRAs apply to text encoders loaded by CLIPLoader; this CLIP is " + clip);
    }
}
