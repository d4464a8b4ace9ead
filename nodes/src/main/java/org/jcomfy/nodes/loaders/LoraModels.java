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
import org.jcomfy.nodes.lora.LoraMatch;
import org.jcomfy.nodes.lora.LoraPatch;
import org.jcomfy.nodes.types.DiffusionModel;

/**
 * Puts a LoRA from {@code models/loras} on a MODEL. The patched weights are computed once per
 * (base model file, LoRA stack with strengths) and held in the shared objects, so prompts with the
 * same stack share them and the base model, which is never written, stays as it is for the rest.
 */
final class LoraModels {
    private static final System.Logger LOG = System.getLogger(LoraModels.class.getName());

    private LoraModels() {}

    /** The result of a LoRA node: the new MODEL and what the file did to it. */
    record Result(DiffusionModel model, LoraMatch match) {}

    static Result withLora(ExecutionContext ctx, DiffusionModel model, String name, double strength) throws IOException {
        if (!(model.net() instanceof WanDiffusionNet net)) {
            throw new IllegalArgumentException("LoRAs apply to Wan DiTs loaded from models/diffusion_models; this MODEL is "
                    + model.net().architecture());
        }
        ModelFile file = ModelFile.of(ctx, "loras", name);
        LoraFile lora = ctx.shared().getOrLoad(file.label(), file.stamp(), file.stamp().size(), () -> LoraFile.read(file.path(), file.label()));
        LoraMatch match = lora.match(net.baseTensors());
        LOG.log(match.notLoaded().isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "LoRA " + match.summary());

        List<AppliedLora> stack = new ArrayList<>(net.loras());
        stack.add(new AppliedLora(file.label(), file.stamp(), strength, match));
        String key = "lora|" + net.baseName() + "|"
                + stack.stream().map(AppliedLora::describe).collect(Collectors.joining("|"));
        List<Object> version = new ArrayList<>(List.of(net.file().stamp()));
        stack.forEach(l -> version.add(l.stamp()));
        WanDiffusionNet patched = ctx.shared().getOrLoad(key, version, patchedBytes(net.baseTensors(), stack),
                () -> net.withLoras(stack));
        return new Result(new DiffusionModel(patched, model.latentFormat(), model.options()), match);
    }

    /** What the patched copies cost: one new tensor, in the base tensor's dtype, per patched key. */
    private static long patchedBytes(Map<String, Tensor> base, List<AppliedLora> stack) {
        Set<String> targets = new HashSet<>();
        for (AppliedLora l : stack) for (LoraPatch p : l.match().patches()) targets.add(p.target());
        long bytes = 0;
        for (String t : targets) bytes += base.get(t).numel() * base.get(t).dtype().byteSize();
        return bytes;
    }

    /**
     * The node's UI report when keys were not loaded: the file, the count and the first keys, so the
     * frontend shows them next to the node rather than only in the server log; null when all applied.
     */
    static Map<String, List<Object>> report(LoraMatch match) {
        if (match.notLoaded().isEmpty()) return null;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("lora", match.origin());
        entry.put("patched", match.patches().size());
        entry.put("not_loaded", match.notLoaded().size());
        entry.put("keys", List.copyOf(match.notLoaded().subList(0, Math.min(20, match.notLoaded().size()))));
        return Map.of("lora_keys_not_loaded", List.of(entry));
    }
}
