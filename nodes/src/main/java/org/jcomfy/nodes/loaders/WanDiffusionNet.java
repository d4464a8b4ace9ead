package org.jcomfy.nodes.loaders;

import java.util.List;
import java.util.Map;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.KernelsWithAttention;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.ForwardPlan;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.dit.WanConfig;
import org.jcomfy.nodes.models.wan.dit.WanModel;
import org.jcomfy.nodes.models.wan.dit.WanWeights;
import org.jcomfy.nodes.models.wan.weights.WeightReader;
import org.jcomfy.nodes.models.wan.weights.WeightSource;
import org.jcomfy.nodes.lora.LoraPatch;
import org.jcomfy.nodes.sampling.LatentFormat;
import org.jcomfy.nodes.types.DiffusionNet;

/**
 * The Wan DiT as a MODEL's network. For image-to-video models (input channels beyond the 16
 * noisy ones) it builds ComfyUI's {@code concat_cond}: the inverted known-frame mask repeated to
 * 4 channels, then the start-image latent in model space (spec/WAN-IN-COMFY.md §4).
 */
final class WanDiffusionNet implements DiffusionNet {
    private final WanModel model;
    private final Kernels k;
    private final ModelFile file;
    private final WeightSource base;
    private final String baseName;
    private final List<AppliedLora> loras;

    /**
     * @param base  the source the base model was built from: its {@link WeightSource#taken} tensors
     *              are the unpatched weights every LoRA'd copy starts from and shares
     * @param baseName names the base model in the shared cache ({@code diffusion_models/x.safetensors|default}:
     *              file and weight dtype), so the key of a LoRA'd copy names its base
     * @param loras the LoRAs applied to {@code model}, in order (empty for the base model)
     */
    WanDiffusionNet(WanModel model, Kernels kernels, ModelFile file, WeightSource base, String baseName, List<AppliedLora> loras) {
        this.model = model;
        this.k = kernels;
        this.file = file;
        this.base = base;
        this.baseName = baseName;
        this.loras = List.copyOf(loras);
    }

    /** The shared-cache name of the base model (file and weight dtype). */
    String baseName() { return baseName; }

    /** The model this net runs (the base model's, or a LoRA'd copy's). */
    WanModel model() { return model; }

    /** The base model's tensors by model-relative key, never changed by a LoRA. */
    Map<String, Tensor> baseTensors() { return base.taken(); }

    /** The LoRAs applied, in order. */
    List<AppliedLora> loras() { return loras; }

    /** The base model file, for the shared cache's key and version. */
    ModelFile file() { return file; }

    /**
     * The base model with {@code stack} applied (the LoRAs already on this net and any after them):
     * each patched tensor is computed from the base tensor once, in float32, and stored in the base
     * tensor's dtype; every other tensor is the base model's own.
     */
    WanDiffusionNet withLoras(List<AppliedLora> stack) {
        Map<String, Tensor> tensors = base.taken();
        Map<String, Tensor> patched = LoraPatch.applyAll(tensors, AppliedLora.weighted(stack), this::scaleOf, k);
        WeightReader reader = new WeightReader() {
            @Override public Tensor take(String key, long... shape) { return patched.getOrDefault(key, tensors.get(key)); }

            @Override public float weightScale(String layer) { return base.weightScale(layer); }
        };
        WanConfig c = model.config();
        return new WanDiffusionNet(new WanModel(c, WanWeights.read(reader, c), k), k, file, base, baseName, stack);
    }

    /** The fp8 {@code scale_weight} the model applies to a linear layer's matrix (1 for anything else). */
    private float scaleOf(String key) {
        return key.endsWith(".weight") ? base.weightScale(key.substring(0, key.length() - ".weight".length())) : 1f;
    }

    @Override
    public String architecture() {
        WanConfig c = model.config();
        String name = "wan2.1 " + c.modelType().comfyName() + " dim=" + c.dim() + " layers=" + c.numLayers() + " heads=" + c.numHeads();
        return loras.isEmpty() ? name : name + " + " + loras.size() + " LoRA(s)";
    }

    @Override
    public int latentChannels() { return model.config().outDim(); }

    @Override
    public int blockCount() { return model.config().numLayers(); }

    @Override
    public int heads() { return model.config().numHeads(); }

    @Override
    public Tensor forward(Tensor x, double[] timesteps, Tensor context, Map<String, Object> extras, ForwardPlan plan) {
        // A model with its own attention runs the shared weights on the device kernels with that
        // one kernel replaced; other MODELs on the same weights keep the device's.
        WanModel m = plan.attention() == null ? model : model.withKernels(new KernelsWithAttention(k, plan.attention()));
        int extra = (int) Math.max(0, model.config().inDim() - x.dim(1));
        Tensor input = extra == 0 ? x : k.concat(List.of(x, concatCondition(x, extra, extras)), 1);
        return file.use(() -> m.forward(input, timesteps, context, null, plan.blocks(), plan.sequence(), ActivationRecorder.NONE));
    }

    private Tensor concatCondition(Tensor x, int channels, Map<String, Object> extras) {
        long b = x.dim(0), t = x.dim(2), h = x.dim(3), w = x.dim(4);
        Tensor image = extras.get("concat_latent_image") instanceof Tensor raw
                ? fromRawLatent(raw) : Tensor.zeros(DType.F32, 1, 16, t, h, w);
        Tensor mask = Tensor.zeros(DType.F32, 1, 4, t, h, w);
        if (extras.get("concat_mask") instanceof Tensor m) {
            // ComfyUI inverts the mask: 1 marks a known (start-image) frame for the model.
            Tensor known = k.sub(Tensor.of(new float[] {1f}, 1), m.toF32());
            mask = k.concat(List.of(known, known, known, known), 1);
        }
        Tensor cond = channels == 16 ? image : k.concat(List.of(mask, image), 1);
        if (cond.dim(1) != channels || cond.dim(2) != t || cond.dim(3) != h || cond.dim(4) != w) {
            throw new IllegalArgumentException("image-to-video conditioning " + cond + " does not fit a latent " + x
                    + " with " + channels + " extra channels");
        }
        return b == 1 ? cond : k.concat(java.util.Collections.nCopies((int) b, cond), 0);
    }

    private static Tensor fromRawLatent(Tensor raw) {
        return Tensor.of(LatentFormat.WAN21.processIn(raw.toFloatArray(), raw.shape()), raw.shape());
    }
}
