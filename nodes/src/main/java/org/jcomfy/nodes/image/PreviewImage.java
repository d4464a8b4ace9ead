package org.jcomfy.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/** ComfyUI's PreviewImage: like SaveImage, but into the temp folder with a random name part. */
public final class PreviewImage implements Node {
    /** ComfyUI's own alphabet for the suffix (sic: "p" twice, no "w"). */
    private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstupvxyz";
    private static final RandomGenerator RANDOM = new SecureRandom();

    private static final NodeSchema SCHEMA = NodeSchema.builder("PreviewImage")
            .displayName("Preview Image")
            .category("image")
            .description("Preview the images without saving them to the ComfyUI output directory.")
            .searchAliases("preview", "preview image", "show image", "view image", "display image", "image viewer")
            .outputNode()
            .socketInput("images", "IMAGE")
            .hidden().hiddenInput("prompt", "PROMPT").hiddenInput("extra_pnginfo", "EXTRA_PNGINFO")
            .output(new OutputSpec("IMAGE", "images", false, null))
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) throws Exception {
        Tensor images = inputs.get("images", Tensor.class);
        StringBuilder prefix = new StringBuilder("ComfyUI_temp_");
        for (int i = 0; i < 5; i++) prefix.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
        List<Object> saved = ImageFileSaver.save(images, prefix.toString(), context.tempDirectory(), "temp", 1,
                (JsonNode) inputs.get("prompt"), (JsonNode) inputs.get("extra_pnginfo"));
        return NodeOutput.ui(Map.of("images", saved), images);
    }
}
