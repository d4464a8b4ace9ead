package org.jcomfy.nodes.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.testing.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoOutputNodesTest {
    private static final int FRAMES = 5, H = 32, W = 48;
    @TempDir Path dir;

    /** A moving gradient, so encoders see real content. */
    private static Tensor frames() {
        float[] v = new float[FRAMES * H * W * 3];
        for (int f = 0; f < FRAMES; f++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    for (int c = 0; c < 3; c++)
                        v[((f * H + y) * W + x) * 3 + c] = ((x + y + f * 7 + c * 20) % 64) / 63f;
        return Tensor.of(v, FRAMES, H, W, 3);
    }

    private NodeOutput run(Node node, Map<String, Object> inputs, TestContext ctx) throws Exception {
        Map<String, Object> all = new HashMap<>(inputs);
        all.putIfAbsent("filename_prefix", "ComfyUI");
        return node.execute(new NodeInputs(all), ctx);
    }

    @SuppressWarnings("unchecked")
    private static String savedName(NodeOutput out) {
        return (String) ((Map<String, Object>) out.ui().get("images").get(0)).get("filename");
    }

    private static int decodedFrames(Path file) throws Exception {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            assertEquals(W, g.getImageWidth());
            assertEquals(H, g.getImageHeight());
            int n = 0;
            for (Frame f; (f = g.grabImage()) != null; ) n++;
            g.stop();
            return n;
        }
    }

    @Test
    void save_webm_writes_a_playable_vp9_file_with_every_frame_and_the_prompt_metadata() throws Exception {
        TestContext ctx = new TestContext(dir);
        NodeOutput out = run(new SaveWebm(), Map.of("images", frames(), "codec", "vp9", "fps", 8.0, "crf", 32.0), ctx);
        assertEquals("ComfyUI_00001_.webm", savedName(out));
        assertEquals(List.of(true), out.ui().get("animated"));
        Path file = dir.resolve("output/ComfyUI_00001_.webm");
        assertEquals(FRAMES, decodedFrames(file));
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            assertTrue(g.getMetadata().containsKey("workflow") || g.getMetadata().containsKey("WORKFLOW"), g.getMetadata().toString());
            g.stop();
        }
    }

    @Test
    void save_video_writes_h264_mp4_into_the_video_subfolder() throws Exception {
        TestContext ctx = new TestContext(dir);
        Video video = (Video) new CreateVideo().execute(new NodeInputs(Map.of("images", frames(), "fps", 16.0)), ctx).results().get(0);
        NodeOutput out = run(new SaveVideo(), Map.of("video", video, "filename_prefix", "video/ComfyUI", "format", "auto", "codec", "auto"), ctx);
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) out.ui().get("images").get(0);
        assertEquals("video", entry.get("subfolder"));
        assertEquals(FRAMES, decodedFrames(dir.resolve("output/video/ComfyUI_00001_.mp4")));
    }

    @Test
    void animated_webp_has_one_animation_frame_per_image_and_the_prompt_in_exif() throws Exception {
        TestContext ctx = new TestContext(dir);
        NodeOutput out = run(new SaveAnimatedWebp(), Map.of("images", frames(), "fps", 6.0, "lossless", true, "quality", 80L, "method", "default"), ctx);
        byte[] file = Files.readAllBytes(dir.resolve("output").resolve(savedName(out)));
        String text = new String(file, StandardCharsets.ISO_8859_1);
        assertEquals(FRAMES, count(text, "ANMF"));
        assertTrue(text.contains("EXIF"));
        assertTrue(text.contains("prompt:{"));
        assertTrue(text.contains("workflow:{\"version\":0.4}"));
    }

    @Test
    void animated_webp_is_an_extended_riff_file_with_anim_and_exif_that_ffmpeg_decodes() throws Exception {
        TestContext ctx = new TestContext(dir);
        NodeOutput out = run(new SaveAnimatedWebp(), Map.of("images", frames(), "fps", 6.0, "lossless", false, "quality", 80L, "method", "fastest"), ctx);
        Path file = dir.resolve("output").resolve(savedName(out));
        byte[] bytes = Files.readAllBytes(file);
        List<String> chunks = riffChunks(bytes);
        assertEquals("VP8X", chunks.getFirst());
        assertEquals(0x02 | 0x08, bytes[20] & 0x0a, "VP8X flags: animation and EXIF");
        assertEquals(List.of(W, H), vp8xCanvas(bytes));
        assertTrue(chunks.contains("ANIM") && chunks.getLast().equals("EXIF"), chunks.toString());
        assertEquals(FRAMES, chunks.stream().filter("ANMF"::equals).count());
        assertEquals(List.of(true), out.ui().get("animated"));
        assertEquals(FRAMES, decodedAnimationFrames(bytes));
    }

    /**
     * This FFmpeg build decodes no animated WebP, so each ANMF frame's bitstream is wrapped as a
     * simple WebP of its own and decoded; returns how many decode at the size the frame declares.
     */
    private int decodedAnimationFrames(byte[] b) throws Exception {
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Path frameFile = Files.createDirectories(dir.resolve("frames")).resolve("frame.webp");
        int decoded = 0;
        for (int pos = 12; pos < b.length; ) {
            int size = le.getInt(pos + 4);
            if ("ANMF".equals(new String(b, pos, 4, StandardCharsets.US_ASCII))) {
                int w = (b[pos + 14] & 0xff | (b[pos + 15] & 0xff) << 8 | (b[pos + 16] & 0xff) << 16) + 1;
                int h = (b[pos + 17] & 0xff | (b[pos + 18] & 0xff) << 8 | (b[pos + 19] & 0xff) << 16) + 1;
                int dataStart = pos + 8 + 16, dataLength = size - 16;
                java.io.ByteArrayOutputStream simple = new java.io.ByteArrayOutputStream();
                simple.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
                simple.writeBytes(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4 + dataLength).array());
                simple.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
                simple.write(b, dataStart, dataLength);
                Files.write(frameFile, simple.toByteArray());
                try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(frameFile.toFile())) {
                    g.start();
                    if (g.grabImage() != null && g.getImageWidth() == w && g.getImageHeight() == h) decoded++;
                    g.stop();
                }
            }
            pos += 8 + size + (size & 1);
        }
        return decoded;
    }

    @Test
    void a_one_frame_animated_webp_is_a_valid_extended_webp_with_the_prompt_in_exif() throws Exception {
        TestContext ctx = new TestContext(dir);
        Tensor one = frames().narrow(0, 1);
        for (boolean lossless : List.of(true, false)) {
            NodeOutput out = run(new SaveAnimatedWebp(), Map.of("images", one, "fps", 6.0, "lossless", lossless, "quality", 80L, "method", "default"), ctx);
            assertEquals(List.of(false), out.ui().get("animated"), "ComfyUI reports one frame as not animated");
            Path file = dir.resolve("output").resolve(savedName(out));
            byte[] bytes = Files.readAllBytes(file);
            List<String> chunks = riffChunks(bytes);
            assertEquals(List.of("VP8X", lossless ? "VP8L" : "VP8 ", "EXIF"), chunks, "lossless=" + lossless);
            assertEquals(0x08, bytes[20] & 0x0a, "VP8X flags: EXIF, no animation");
            assertEquals(List.of(W, H), vp8xCanvas(bytes));
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("workflow:{\"version\":0.4}"));
            assertEquals(1, decodedFrames(file));
        }
    }

    @Test
    void a_save_that_fails_after_encoding_leaves_no_file() throws Exception {
        TestContext ctx = new TestContext(dir);
        VideoFormat webp = new VideoFormat("webp", "libwebp_anim", "webp", org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P,
                Map.of(), Map.of("loop", "0"));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () ->
                AnimatedSave.save(frames(), 6.0, "ComfyUI", webp, ctx, (file, metadata) -> {
                    assertTrue(Files.size(file) > 0, "the encoder has written its part file");
                    throw new IllegalStateException("metadata failed");
                }));
        assertEquals("metadata failed", e.getMessage());
        try (var left = Files.list(dir.resolve("output"))) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** The chunk ids of a RIFF/WEBP file, checking that the sizes tile the file exactly. */
    private static List<String> riffChunks(byte[] b) {
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", new String(b, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("WEBP", new String(b, 8, 4, StandardCharsets.US_ASCII));
        assertEquals(b.length - 8, le.getInt(4), "RIFF size");
        List<String> ids = new java.util.ArrayList<>();
        int pos = 12;
        while (pos < b.length) {
            ids.add(new String(b, pos, 4, StandardCharsets.US_ASCII));
            int size = le.getInt(pos + 4);
            pos += 8 + size + (size & 1);
        }
        assertEquals(b.length, pos, "chunks end exactly at the end of the file");
        return ids;
    }

    private static List<Integer> vp8xCanvas(byte[] b) {
        int w = (b[24] & 0xff | (b[25] & 0xff) << 8 | (b[26] & 0xff) << 16) + 1;
        int h = (b[27] & 0xff | (b[28] & 0xff) << 8 | (b[29] & 0xff) << 16) + 1;
        return List.of(w, h);
    }

    @Test
    void animated_png_has_one_frame_control_chunk_per_image_and_comf_metadata() throws Exception {
        TestContext ctx = new TestContext(dir);
        NodeOutput out = run(new SaveAnimatedPng(), Map.of("images", frames(), "fps", 6.0, "compress_level", 4L), ctx);
        byte[] file = Files.readAllBytes(dir.resolve("output").resolve(savedName(out)));
        String text = new String(file, StandardCharsets.ISO_8859_1);
        assertEquals(FRAMES, count(text, "fcTL"));
        assertTrue(text.contains("comfworkflow\0{\"version\":0.4}"));
        assertTrue(PngChunks.findChunk(file, "comf") < PngChunks.findChunk(file, "IEND"));
    }

    @Test
    void the_file_counter_continues_after_existing_files_across_extensions() throws Exception {
        TestContext ctx = new TestContext(dir);
        Files.writeString(dir.resolve("output/ComfyUI_00007_.png"), "x");
        NodeOutput out = run(new SaveWebm(), Map.of("images", frames(), "codec", "vp9", "fps", 8.0, "crf", 40.0), ctx);
        assertEquals("ComfyUI_00008_.webm", savedName(out));
    }

    @Test
    void a_prefix_that_escapes_the_output_folder_is_refused() {
        TestContext ctx = new TestContext(dir);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () ->
                run(new SaveWebm(), Map.of("images", frames(), "codec", "vp9", "fps", 8.0, "crf", 40.0, "filename_prefix", "../evil"), ctx));
        assertTrue(e.getMessage().contains("outside the output folder"));
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }
}
