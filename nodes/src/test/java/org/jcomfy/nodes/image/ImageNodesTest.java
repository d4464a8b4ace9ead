package org.jcomfy.nodes.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.testing.TestContext;
import org.junit.jupiter.api.Test;

/** The image nodes called directly, against ComfyUI's behaviour. */
class ImageNodesTest {
    private static NodeInputs inputs(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new NodeInputs(m);
    }

    private static Tensor emptyImage(long w, long h, long batch, long color) throws Exception {
        return (Tensor) new EmptyImage().execute(inputs("width", w, "height", h, "batch_size", batch, "color", color), null).results().getFirst();
    }

    @Test
    void every_image_and_primitive_node_is_found_by_the_service_loader() {
        NodeRegistry registry = NodeRegistry.load();
        for (String name : List.of("LoadImage", "SaveImage", "PreviewImage", "EmptyImage", "ImageInvert", "ImageScale",
                "PrimitiveInt", "PrimitiveFloat", "PrimitiveString", "PrimitiveStringMultiline", "PrimitiveBoolean")) {
            assertNotNull(registry.get(name), name);
        }
        assertTrue(registry.get("SaveImage").schema().outputNode());
        assertEquals("Invert Image Colors", registry.get("ImageInvert").schema().displayName());
    }

    @Test
    void empty_image_fills_the_batch_with_the_rgb_colour() throws Exception {
        Tensor t = emptyImage(3, 2, 2, 0xFF8000);
        assertArrayEquals(new long[] {2, 2, 3, 3}, t.shape());
        assertEquals(1f, t.getFloat(0));
        assertEquals(128f / 255f, t.getFloat(1));
        assertEquals(0f, t.getFloat(2));
        assertEquals(1f, t.getFloat(t.numel() - 3));
    }

    @Test
    void image_invert_is_one_minus_the_image() throws Exception {
        Tensor t = emptyImage(2, 2, 1, 0xFF0000);
        Tensor inv = (Tensor) new ImageInvert().execute(inputs("image", t), null).results().getFirst();
        assertEquals(0f, inv.getFloat(0));
        assertEquals(1f, inv.getFloat(1));
    }

    /** 2x3 plane [[0, .2, .9], [.5, 1, .3]] resized, expected values from torch.nn.functional.interpolate. */
    private static final float[] PLANE = {0f, 0.2f, 0.9f, 0.5f, 1.0f, 0.3f};

    @Test
    void resampling_matches_torch_interpolate() {
        assertClose(new float[] {0, 0, 0.2f, 0.9f, 0.9f, 0, 0, 0.2f, 0.9f, 0.9f, 0.5f, 0.5f, 1, 0.3f, 0.3f, 0.5f, 0.5f, 1, 0.3f, 0.3f},
                Resampling.resize(PLANE, 2, 3, 4, 5, "nearest-exact"));
        assertClose(new float[] {0.5f, 0.3f}, Resampling.resize(PLANE, 2, 3, 1, 2, "nearest-exact"));
        assertClose(new float[] {0, 0.08f, 0.2f, 0.62f, 0.9f, 0.125f, 0.235f, 0.4f, 0.61f, 0.75f, 0.375f, 0.545f, 0.8f, 0.59f,
                0.45f, 0.5f, 0.7f, 1, 0.58f, 0.3f}, Resampling.resize(PLANE, 2, 3, 4, 5, "bilinear"));
        assertClose(new float[] {0.3375f, 0.6f}, Resampling.resize(PLANE, 2, 3, 1, 2, "bilinear"));
        assertClose(new float[] {-0.068897f, -0.048442f, 0.115625f, 0.646513f, 1.044656f, 0.087556f, 0.189691f, 0.38125f,
                0.634825f, 0.800813f, 0.345244f, 0.581909f, 0.81875f, 0.615575f, 0.399188f, 0.501697f, 0.820042f, 1.084375f,
                0.603888f, 0.155344f}, Resampling.resize(PLANE, 2, 3, 4, 5, "bicubic"));
        assertClose(new float[] {0.329297f, 0.612305f}, Resampling.resize(PLANE, 2, 3, 1, 2, "bicubic"));
        assertClose(new float[] {0, 0.1f, 0.2f, 0.55f, 0.9f, 0, 0.1f, 0.2f, 0.55f, 0.9f, 0.5f, 0.75f, 1, 0.65f, 0.3f, 0.5f,
                0.75f, 1, 0.65f, 0.3f}, Resampling.resize(PLANE, 2, 3, 4, 5, "area"));
        assertClose(new float[] {0.425f, 0.6f}, Resampling.resize(PLANE, 2, 3, 1, 2, "area"));
    }

    @Test
    void lanczos_keeps_a_flat_image_flat_and_stays_in_range() {
        float[] flat = new float[6 * 6];
        java.util.Arrays.fill(flat, 0.4f);
        float[] out = Resampling.resize(flat, 6, 6, 3, 4, "lanczos");
        for (float v : out) assertEquals(102f / 255f, v, 1e-6);
        for (float v : Resampling.resize(PLANE, 2, 3, 5, 7, "lanczos")) assertTrue(v >= 0 && v <= 1);
    }

    @Test
    void image_scale_keeps_the_aspect_ratio_for_a_zero_side_and_crops_the_centre() throws Exception {
        Tensor t = emptyImage(8, 4, 1, 0x00FF00);
        Tensor half = (Tensor) new ImageScale().execute(inputs("image", t, "upscale_method", "bilinear", "width", 4L,
                "height", 0L, "crop", "disabled"), null).results().getFirst();
        assertArrayEquals(new long[] {1, 2, 4, 3}, half.shape());
        Tensor square = ImageScale.scale(t, 2, 2, "nearest-exact", "center");
        assertArrayEquals(new long[] {1, 2, 2, 3}, square.shape());
        assertEquals(1f, square.getFloat(1));
        Tensor same = (Tensor) new ImageScale().execute(inputs("image", t, "upscale_method", "area", "width", 0L,
                "height", 0L, "crop", "disabled"), null).results().getFirst();
        assertArrayEquals(t.shape(), same.shape());
    }

    @Test
    void save_image_writes_numbered_pngs_with_text_chunks_and_continues_the_counter() throws Exception {
        TestContext ctx = new TestContext();
        Files.createDirectories(ctx.outputDirectory().resolve("sub"));
        Files.writeString(ctx.outputDirectory().resolve("sub/shot_00007_.webp"), "older file of another kind");
        ObjectMapper json = new ObjectMapper();
        NodeOutput out = new SaveImage().execute(inputs("images", emptyImage(5, 3, 2, 0x0000FF), "filename_prefix", "sub/shot",
                "prompt", json.readTree("{\"1\":{\"class_type\":\"EmptyImage\"}}"),
                "extra_pnginfo", json.readTree("{\"workflow\":{\"id\":\"é\"}}")), ctx);
        assertEquals(List.of(Map.of("filename", "shot_00008_.png", "subfolder", "sub", "type", "output"),
                Map.of("filename", "shot_00009_.png", "subfolder", "sub", "type", "output")), out.ui().get("images"));
        Path file = ctx.outputDirectory().resolve("sub/shot_00008_.png");
        BufferedImage png = ImageIO.read(file.toFile());
        assertEquals(5, png.getWidth());
        assertEquals(0x0000FF, png.getRGB(0, 0) & 0xFFFFFF);
        String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains("tEXtprompt\0{\"1\":{\"class_type\":\"EmptyImage\"}}"));
        assertTrue(raw.contains("workflow"), "a non-Latin-1 workflow goes into an iTXt chunk");
        assertEquals(out.results().getFirst(), out.results().getFirst(), "the images are passed on");
    }

    @Test
    void save_image_refuses_a_prefix_outside_the_output_folder() throws Exception {
        TestContext ctx = new TestContext();
        assertThrows(java.io.IOException.class, () -> new SaveImage().execute(inputs("images", emptyImage(2, 2, 1, 0),
                "filename_prefix", "../escape"), ctx));
    }

    @Test
    void preview_image_writes_to_temp_with_a_random_suffix() throws Exception {
        TestContext ctx = new TestContext();
        NodeOutput out = new PreviewImage().execute(inputs("images", emptyImage(2, 2, 1, 0)), ctx);
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) out.ui().get("images").getFirst();
        assertEquals("temp", entry.get("type"));
        assertTrue(((String) entry.get("filename")).matches("ComfyUI_temp_[a-z]{5}_00001_\\.png"), entry.toString());
        assertTrue(Files.isRegularFile(ctx.tempDirectory().resolve((String) entry.get("filename"))));
    }

    @Test
    void load_image_reads_rgb_and_the_inverted_alpha_as_mask() throws Exception {
        TestContext ctx = new TestContext();
        BufferedImage picture = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        picture.setRGB(0, 0, 0x80FF0000);
        picture.setRGB(1, 0, 0xFF00FF00);
        ImageIO.write(picture, "png", ctx.inputDirectory().resolve("a.png").toFile());
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", ctx.inputDirectory().resolve("b.png").toFile());
        Files.writeString(ctx.inputDirectory().resolve("notes.txt"), "not an image");
        Files.createDirectories(ctx.inputDirectory().resolve("sub"));
        assertEquals(List.of("a.png", "b.png"), InputFiles.imageFiles(ctx));

        LoadImage node = new LoadImage();
        NodeOutput out = node.execute(inputs("image", "a.png"), ctx);
        Tensor image = (Tensor) out.results().get(0), mask = (Tensor) out.results().get(1);
        assertArrayEquals(new long[] {1, 2, 3, 3}, image.shape());
        assertEquals(1f, image.getFloat(0));
        assertEquals(1f, image.getFloat(4));
        assertArrayEquals(new long[] {1, 2, 3}, mask.shape());
        assertEquals(1f - 128f / 255f, mask.getFloat(0), 1e-6);
        assertEquals(0f, mask.getFloat(1));
        assertEquals(1f, mask.getFloat(2), "fully transparent");

        Tensor noAlphaMask = (Tensor) node.execute(inputs("image", "b.png"), ctx).results().get(1);
        assertArrayEquals(new long[] {1, 64, 64}, noAlphaMask.shape());

        Object before = node.fingerprint(inputs("image", "a.png"), ctx);
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", ctx.inputDirectory().resolve("a.png").toFile());
        assertNotEquals(before, node.fingerprint(inputs("image", "a.png"), ctx));
        assertNull(node.validateInputs(inputs("image", "b.png [input]"), ctx));
        assertEquals("Invalid image file: missing.png", node.validateInputs(inputs("image", "missing.png"), ctx));
        assertTrue(node.validateInputs(inputs("image", "../a.png"), ctx).startsWith("Invalid image file: ../a.png (file name leaves its folder"));
    }

    @Test
    void save_path_counters_parse_only_matching_names() {
        assertEquals(12, SaveImagePath.counterOf("ComfyUI_00012_.png", "ComfyUI"));
        assertEquals(0, SaveImagePath.counterOf("ComfyUI_temp_abcde_00001_.png", "ComfyUI"));
        assertEquals(0, SaveImagePath.counterOf("Other_00003_.png", "ComfyUI"));
        assertEquals("a_640x480_2026", SaveImagePath.expandVariables("a_%width%x%height%_%year%", 640, 480,
                java.time.LocalDateTime.of(2026, 1, 2, 3, 4, 5)));
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-5, "element " + i);
    }
}
