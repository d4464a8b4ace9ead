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

    WanDiffusionNet(WanModel model, Kernels kernels, ModelFile file) {
        this.model = model;
        this.k = kernels;
        this.file = file;
    }

    @Override
    public String architecture() {
        WanConfig c = model.config();
        return "wan2.1 " + c.modelType().comfyName() + " dim=" + c.dim() + " layers=" + c.numLayers() + " heads=" + c.numHeads();
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
