package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UploadTest {
    TestServer s;

    @BeforeEach void start() { s = TestServer.start("--max-upload-size", "1"); }

    @AfterEach void stop() { s.close(); }

    private TestServer.Multipart image(String name, byte[] content) {
        return new TestServer.Multipart().file("image", name, "image/png", content);
    }

    @Test
    void an_image_lands_in_input_and_the_answer_names_it() throws Exception {
        byte[] png = Images.png(Images.argb(2, 2, (x, y) -> 0xff00ff00));
        var r = s.upload("/api/upload/image", image("cat.png", png));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"name\":\"cat.png\",\"subfolder\":\"\",\"type\":\"input\"}", r.body());
        assertArrayEquals(png, Files.readAllBytes(s.base.resolve("input/cat.png")));
    }

    @Test
    void a_name_collision_gets_a_number_unless_the_content_is_identical_or_overwrite_is_set() throws Exception {
        byte[] a = "first".getBytes(), b = "second".getBytes(), c = "third".getBytes();
        s.upload("/upload/image", image("x.png", a));
        assertEquals("x (1).png", TestServer.json(s.upload("/upload/image", image("x.png", b))).get("name").asText());
        assertEquals("x.png", TestServer.json(s.upload("/upload/image", image("x.png", a))).get("name").asText(), "same content reuses");
        assertEquals("x (1).png", TestServer.json(s.upload("/upload/image", image("x.png", b))).get("name").asText());
        assertEquals("x (2).png", TestServer.json(s.upload("/upload/image", image("x.png", c))).get("name").asText());
        var over = s.upload("/upload/image", image("x.png", c).field("overwrite", "true"));
        assertEquals("x.png", TestServer.json(over).get("name").asText());
        assertArrayEquals(c, Files.readAllBytes(s.base.resolve("input/x.png")));
    }

    @Test
    void subfolder_and_type_choose_the_place_and_are_echoed() throws Exception {
        var r = s.upload("/api/upload/image", image("p.png", "p".getBytes()).field("subfolder", "pasted").field("type", "temp"));
        assertEquals("{\"name\":\"p.png\",\"subfolder\":\"pasted\",\"type\":\"temp\"}", r.body());
        assertTrue(Files.exists(s.base.resolve("temp/pasted/p.png")));
        assertEquals(400, s.upload("/api/upload/image", image("p.png", "p".getBytes()).field("type", "models")).statusCode());
    }

    @Test
    void uploads_cannot_leave_their_folder() throws Exception {
        byte[] bytes = "evil".getBytes();
        assertEquals(400, s.upload("/api/upload/image", image("../evil.png", bytes)).statusCode());
        assertEquals(400, s.upload("/api/upload/image", image("/tmp/evil.png", bytes)).statusCode());
        assertEquals(400, s.upload("/api/upload/image", image("evil.png", bytes).field("subfolder", "../..")).statusCode());
        assertEquals(400, s.upload("/api/upload/image", image("evil.png", bytes).field("subfolder", "/tmp")).statusCode());
        Files.createSymbolicLink(s.base.resolve("input/link"), Files.createDirectories(s.base.resolve("elsewhere")));
        assertEquals(400, s.upload("/api/upload/image", image("evil.png", bytes).field("subfolder", "link")).statusCode());
        assertFalse(Files.exists(s.base.resolve("elsewhere/evil.png")));
        assertFalse(Files.exists(s.base.resolve("evil.png")));
    }

    @Test
    void a_request_without_the_image_part_is_400() {
        assertEquals(400, s.upload("/api/upload/image", new TestServer.Multipart().field("type", "input")).statusCode());
    }

    @Test
    void an_oversize_upload_is_refused_with_413_and_the_server_keeps_serving() {
        byte[] big = new byte[1024 * 1024 + 10];
        var r = s.upload("/api/upload/image", image("big.png", big));
        assertEquals(413, r.statusCode());
        assertTrue(TestServer.json(r).at("/error/message").asText().startsWith("Maximum request body size 1048576 exceeded"), r.body());
        assertFalse(Files.exists(s.base.resolve("input/big.png")));
        assertEquals(200, s.get("/api/system_stats").statusCode());
        assertEquals(200, s.upload("/api/upload/image", image("small.png", new byte[1000])).statusCode());
    }

    @Test
    void a_mask_replaces_the_alpha_of_the_original_and_keeps_its_png_text() throws Exception {
        BufferedImage original = Images.argb(3, 2, (x, y) -> 0xff000000 | (x * 50) << 16 | (y * 70) << 8 | 9);
        Files.createDirectories(s.base.resolve("input/clipspace"));
        Files.write(s.base.resolve("input/photo.png"), pngWithText(original, "prompt", "{\"1\":{}}"));
        byte[] mask = Images.png(Images.argb(3, 2, (x, y) -> (x * 100) << 24));
        var form = new TestServer.Multipart()
                .file("image", "clipspace-mask.png", "image/png", mask)
                .field("original_ref", "{\"filename\":\"photo.png\",\"subfolder\":\"\",\"type\":\"input\"}")
                .field("type", "input").field("subfolder", "clipspace");
        var r = s.upload("/api/upload/mask", form);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"name\":\"clipspace-mask.png\",\"subfolder\":\"clipspace\",\"type\":\"input\"}", r.body());
        Path saved = s.base.resolve("input/clipspace/clipspace-mask.png");
        BufferedImage merged = ImageIO.read(saved.toFile());
        for (int x = 0; x < 3; x++) {
            assertEquals(x * 100, merged.getRGB(x, 1) >>> 24);
            assertEquals(original.getRGB(x, 1) & 0xffffff, merged.getRGB(x, 1) & 0xffffff);
        }
        assertTrue(new String(Files.readAllBytes(saved), "ISO-8859-1").contains("{\"1\":{}}"), "PNG text kept");
    }

    @Test
    void a_mask_whose_original_is_missing_or_outside_is_refused() {
        byte[] mask = Images.png(Images.argb(1, 1, (x, y) -> 0));
        var missing = new TestServer.Multipart().file("image", "m.png", "image/png", mask)
                .field("original_ref", "{\"filename\":\"none.png\",\"type\":\"input\"}");
        assertEquals(404, s.upload("/api/upload/mask", missing).statusCode());
        var escape = new TestServer.Multipart().file("image", "m.png", "image/png", mask)
                .field("original_ref", "{\"filename\":\"../secret.png\",\"type\":\"input\"}");
        assertEquals(400, s.upload("/api/upload/mask", escape).statusCode());
        var escapeDir = new TestServer.Multipart().file("image", "m.png", "image/png", mask)
                .field("original_ref", "{\"filename\":\"x.png\",\"subfolder\":\"../..\",\"type\":\"input\"}");
        assertEquals(403, s.upload("/api/upload/mask", escapeDir).statusCode());
        var badJson = new TestServer.Multipart().file("image", "m.png", "image/png", mask).field("original_ref", "{oops");
        assertEquals(400, s.upload("/api/upload/mask", badJson).statusCode());
    }

    private static byte[] pngWithText(BufferedImage img, String key, String value) throws Exception {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("png");
        ImageWriter w = it.next();
        var out = new java.io.ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            IIOMetadata meta = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
            IIOMetadataNode text = new IIOMetadataNode("tEXt");
            IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
            entry.setAttribute("keyword", key);
            entry.setAttribute("value", value);
            text.appendChild(entry);
            IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
            root.appendChild(text);
            meta.mergeTree("javax_imageio_png_1.0", root);
            w.write(new IIOImage(img, null, meta));
        }
        return out.toByteArray();
    }
}
