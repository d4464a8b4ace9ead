package org.jcomfy.nodes.latent;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.image.SaveImagePath;
import org.jcomfy.nodes.output.FileNamePrefix;
import org.jcomfy.nodes.output.OutputFile;
import org.jcomfy.nodes.output.OutputMetadata;
import org.jcomfy.nodes.output.SavedFile;
import org.jcomfy.nodes.types.Latent;

/**
 * ComfyUI's {@code SaveLatent} ({@code nodes.py}, {@code _for_testing}): the LATENT's samples as
 * the safetensors file {@code <prefix>_<counter:05>_.latent} in the output folder, with ComfyUI's
 * keys ({@code latent_tensor}, and the empty {@code latent_format_version_0} that marks the raw
 * VAE-space format for {@code LoadLatent}) and the prompt and workflow as metadata text.
 */
public final class SaveLatent implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("SaveLatent")
            .category("_for_testing")
            .outputNode()
            .socketInput("samples", "LATENT")
            .stringInput("filename_prefix", "latents/ComfyUI", false)
            .check(FileNamePrefix::problem)
            .hidden().hiddenInput("prompt", "PROMPT").hiddenInput("extra_pnginfo", "EXTRA_PNGINFO")
            .build();

    @Override public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs in, ExecutionContext context) throws Exception {
        Latent latent = in.get("samples", Latent.class);
        SaveImagePath where = SaveImagePath.next(in.getString("filename_prefix"), context.outputDirectory(), 0, 0);
        Path file = where.folder().resolve(where.fileName(where.filename(), where.counter(), "latent"));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("latent_tensor", latent.samples());
        tensors.put("latent_format_version_0", Tensor.zeros(DType.F32, 0));
        Map<String, String> metadata = OutputMetadata.of(context);
        OutputFile.write(context.outputDirectory(), file, part -> SafeTensorsWriter.write(part, tensors, metadata));
        SavedFile saved = new SavedFile(file.getFileName().toString(), where.subfolder(), "output");
        return NodeOutput.ui(Map.of("latents", List.of(saved.toUi())));
    }
}
