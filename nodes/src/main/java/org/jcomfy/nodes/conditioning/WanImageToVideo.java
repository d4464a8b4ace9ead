package org.jcomfy.nodes.conditioning;

import java.lang.foreign.MemorySegment;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.nodes.api.SchemaBuilder;
import org.jcomfy.nodes.image.ImageScale;
import org.jcomfy.nodes.types.Conditioning;
import org.jcomfy.nodes.types.Latent;
import org.jcomfy.nodes.types.VideoVae;

/**
 * WanImageToVideo (V3): an empty video latent, and — given a start image — the VAE-encoded
 * start frames plus a mask of the known latent frames attached to both conditionings
 * ({@code concat_latent_image}, {@code concat_mask}), which an i2v model concatenates to its input.
 */
public final class WanImageToVideo implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("WanImageToVideo")
            .v3().displayName(null)
            .category("conditioning/video_models")
            .pythonModule("comfy_extras.nodes_wan")
            .socketInput("positive", "CONDITIONING")
            .socketInput("negative", "CONDITIONING")
            .socketInput("vae", "VAE")
            .intInput("width", 832, 16, SchemaBuilder.MAX_RESOLUTION, 16)
            .intInput("height", 480, 16, SchemaBuilder.MAX_RESOLUTION, 16)
            .intInput("length", 81, 1, SchemaBuilder.MAX_RESOLUTION, 4)
            .intInput("batch_size", 1, 1, 4096, 1)
            .optional()
            .socketInput("clip_vision_output", "CLIP_VISION_OUTPUT")
            .socketInput("start_image", "IMAGE")
            .output("CONDITIONING", "positive")
            .output("CONDITIONING", "negative")
            .output(new OutputSpec("LATENT", "latent", false, null))
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) {
        int width = in.getInt("width"), height = in.getInt("height"), length = in.getInt("length");
        long latentFrames = (length - 1) / 4 + 1;
        Tensor latent = Tensor.zeros(DType.F32, in.getLong("batch_size"), 16, latentFrames, height / 8, width / 8);
        Conditioning positive = in.get("positive", Conditioning.class);
        Conditioning negative = in.get("negative", Conditioning.class);
        if (in.has("start_image")) {
            VideoVae vae = in.get("vae", VideoVae.class);
            Tensor start = in.get("start_image", Tensor.class);
            long n = Math.min(start.dim(0), length);
            Tensor resized = ImageScale.scale(start.narrow(0, n), width, height, "bilinear", "center");
            // A grey (0.5) video of the full length with the start frames at the front.
            Tensor video = Tensor.zeros(DType.F32, length, height, width, 3);
            for (long i = 0, total = video.numel(); i < total; i++) video.setFloat(i, 0.5f);
            MemorySegment.copy(resized.data(), 0, video.data(), 0, resized.byteSize());
            Tensor concatLatent = vae.encode(video, context::progress);
            Tensor mask = Tensor.zeros(DType.F32, 1, 1, latentFrames, height / 8, width / 8);
            long known = (n - 1) / 4 + 1;
            long plane = (long) (height / 8) * (width / 8);
            for (long i = known * plane; i < mask.numel(); i++) mask.setFloat(i, 1f);
            positive = positive.with("concat_latent_image", concatLatent).with("concat_mask", mask);
            negative = negative.with("concat_latent_image", concatLatent).with("concat_mask", mask);
        }
        if (in.has("clip_vision_output")) {
            positive = positive.with("clip_vision_output", in.get("clip_vision_output"));
            negative = negative.with("clip_vision_output", in.get("clip_vision_output"));
        }
        return NodeOutput.of(positive, negative, Latent.of(latent));
    }
}
