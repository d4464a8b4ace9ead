package org.jcomfy.nodes.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.jcomfy.nodes.output.FileNamePrefix;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/** ComfyUI's SaveImage: PNGs in the output folder, with the prompt and workflow embedded. */
public final class SaveImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SaveImage")
            .displayName("Save Image")
            .category("image")
            .description("Saves the input images to your ComfyUI output directory.")
            .searchAliases("save", "save image", "export image", "output image", "write image", "download")
            .outputNode()
            .socketInput("images", "IMAGE", "tooltip", "The images to save.")
            .stringInput("filename_prefix", "ComfyUI", false, "tooltip",
                    "The prefix for the file to save. This may include formatting information such as "
                            + "%date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.")
            .check(FileNamePrefix::problem)
            .hidden().hiddenInput("prompt", "PROMPT").hiddenInput("extra_pnginfo", "EXTRA_PNGINFO")
            .output(new OutputSpec("IMAGE", "images", false, null))
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) throws Exception {
        Tensor images = inputs.get("images", Tensor.class);
        List<Object> saved = ImageFileSaver.save(images, inputs.getString("filename_prefix"), context.outputDirectory(),
                "output", 4, (JsonNode) inputs.get("prompt"), (JsonNode) inputs.get("extra_pnginfo"));
        return NodeOutput.ui(Map.of("images", saved), images);
    }
}
