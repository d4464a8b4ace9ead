package org.jcomfy.nodes.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;

/**
 * ComfyUI's LoadImage: an image of the input folder as IMAGE [N,H,W,3] and MASK [N,H,W]
 * ({@code 1 - alpha}, or a 64x64 zero mask without alpha). Every frame the JDK's readers return
 * with the first frame's size is kept. Re-runs when the file's sha256 changes.
 */
public final class LoadImage implements Node {
    private static final NodeSchema SCHEMA = NodeSchema.builder("LoadImage")
            .displayName("Load Image")
            .category("image")
            .searchAliases("load image", "open image", "import image", "image input", "upload image", "read image", "image loader")
            .dynamicComboInput("image", InputFiles::imageFiles, "image_upload", true)
            .output("IMAGE")
            .output("MASK")
            .build();

    @Override
    public NodeSchema schema() { return SCHEMA; }

    @Override
    public NodeOutput execute(NodeInputs inputs, ExecutionContext context) throws Exception {
        Path file = InputFiles.resolve(inputs.getString("image"), context);
        List<BufferedImage> frames = readFrames(file);
        List<Tensor> images = new ArrayList<>(), masks = new ArrayList<>();
        for (BufferedImage frame : frames) {
            if (frame.getWidth() != frames.getFirst().getWidth() || frame.getHeight() != frames.getFirst().getHeight()) continue;
            images.add(ImageTensors.fromBufferedImage(frame));
            Tensor mask = ImageTensors.maskFromAlpha(frame);
            masks.add(mask != null ? mask : Tensor.zeros(DType.F32, 1, 64, 64));
        }
        boolean sameMaskShapes = masks.stream().allMatch(m -> java.util.Arrays.equals(m.shape(), masks.getFirst().shape()));
        Tensor mask = sameMaskShapes ? ImageTensors.concatBatch(masks) : masks.getFirst();
        return NodeOutput.of(ImageTensors.concatBatch(images), mask);
    }

    private static List<BufferedImage> readFrames(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new IOException("cannot identify image file '" + file + "'");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                int count = reader.getNumImages(true);
                List<BufferedImage> frames = new ArrayList<>();
                for (int i = 0; i < Math.max(count, 1); i++) frames.add(reader.read(i));
                return frames;
            } finally {
                reader.dispose();
            }
        }
    }

    @Override
    public Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(
                InputFiles.resolve(constants.getString("image"), environment)));
        return HexFormat.of().formatHex(digest);
    }

    /** Like ComfyUI, the file check replaces the option-list check (files may carry " [output]" suffixes). */
    @Override
    public java.util.Set<String> selfValidatedInputs() {
        return java.util.Set.of("image");
    }

    @Override
    public String validateInputs(NodeInputs constants, NodeEnvironment environment) {
        Object image = constants.get("image");
        return image == null ? "Invalid image file: null" : InputFiles.invalidFileMessage(image.toString(), environment);
    }
}
