package org.jcomfy.nodes.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.image.LoadImage;
import org.jcomfy.nodes.image.SaveImage;
import org.jcomfy.nodes.testing.TestContext;
import org.jcomfy.nodes.video.CreateVideo;
import org.jcomfy.nodes.video.SaveAnimatedPng;
import org.jcomfy.nodes.video.SaveAnimatedWebp;
import org.jcomfy.nodes.video.SaveVideo;
import org.jcomfy.nodes.video.SaveWebm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every node that reads or writes a client-named file, called directly with a symlink that leads
 * out of its folder: each refuses, and nothing is written outside.
 */
class NodesStayInTheirFoldersTest {
    @TempDir Path tmp;
    private TestContext ctx;
    private Path outside;

    @BeforeEach
    void linkASubfolderOut() throws IOException {
        ctx = new TestContext(tmp.resolve("base"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(ctx.outputDirectory().resolve("evil"), outside);
    }

    private static Tensor frames() {
        return Tensor.of(new float[2 * 8 * 8 * 3], 2, 8, 8, 3);
    }

    private static NodeInputs inputs(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new NodeInputs(m);
    }

    private void assertRefused(Node node, NodeInputs in) throws IOException {
        IOException e = assertThrows(IOException.class, () -> node.execute(in, ctx), node.schema().name());
        assertTrue(e.getMessage().contains("Saving image outside the output folder is not allowed"), e.getMessage());
        try (Stream<Path> written = Files.list(outside)) {
            assertEquals(List.of(), written.toList(), node.schema().name() + " wrote outside");
        }
    }

    @Test
    void every_save_node_refuses_a_prefix_through_a_subfolder_that_links_out() throws Exception {
        assertRefused(new SaveImage(), inputs("images", frames(), "filename_prefix", "evil/x"));
        assertRefused(new SaveAnimatedWebp(), inputs("images", frames(), "filename_prefix", "evil/x", "fps", 6.0,
                "lossless", true, "quality", 80L, "method", "default"));
        assertRefused(new SaveAnimatedPng(), inputs("images", frames(), "filename_prefix", "evil/x", "fps", 6.0, "compress_level", 4L));
        assertRefused(new SaveWebm(), inputs("images", frames(), "filename_prefix", "evil/x", "codec", "vp9", "fps", 8.0, "crf", 32.0));
        Object video = new CreateVideo().execute(inputs("images", frames(), "fps", 8.0), ctx).results().getFirst();
        assertRefused(new SaveVideo(), inputs("video", video, "filename_prefix", "evil/video/x", "format", "auto", "codec", "auto"));
        assertRefused(new SaveImage(), inputs("images", frames(), "filename_prefix", "evil/deeper/x"));
        assertFalse(Files.exists(outside.resolve("deeper")), "no folder is created through the link either");
    }

    @Test
    void a_subfolder_link_that_stays_inside_still_works() throws Exception {
        Path real = Files.createDirectories(ctx.outputDirectory().resolve("real"));
        Files.createSymbolicLink(ctx.outputDirectory().resolve("alias"), real);
        new SaveImage().execute(inputs("images", frames(), "filename_prefix", "alias/x"), ctx);
        assertTrue(Files.isRegularFile(real.resolve("x_00001_.png")));
    }

    @Test
    void load_image_refuses_an_input_that_links_out_and_does_not_offer_it() throws Exception {
        Path secret = outside.resolve("secret.png");
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", secret.toFile());
        Files.createSymbolicLink(ctx.inputDirectory().resolve("innocent.png"), secret);
        Files.createSymbolicLink(ctx.inputDirectory().resolve("dir"), outside);
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", ctx.inputDirectory().resolve("own.png").toFile());
        LoadImage node = new LoadImage();

        for (String name : List.of("innocent.png", "dir/secret.png", "evil/x.png [output]")) {
            String message = node.validateInputs(inputs("image", name), ctx);
            assertTrue(message != null && message.startsWith("Invalid image file: " + name + " (file name leaves its folder"), message);
            Exception e = assertThrows(IllegalArgumentException.class, () -> node.execute(inputs("image", name), ctx));
            assertTrue(e.getMessage().contains("symlink"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> node.fingerprint(inputs("image", "innocent.png"), ctx));
        assertEquals(List.of("own.png"), ((InputSpec.ComboInput) node.schema().required().getFirst()).options().apply(ctx),
                "the combo lists only files that load");
    }
}
