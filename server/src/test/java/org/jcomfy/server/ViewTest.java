package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ViewTest {
    static TestServer s;
    static byte[] png;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start();
        png = Images.png(Images.argb(4, 3, (x, y) -> (x * 60) << 24 | 0xff0000 | (y * 80)));
        Path out = s.base.resolve("output");
        Files.createDirectories(out.resolve("videos"));
        Files.write(out.resolve("ComfyUI_00001_.png"), png);
        Files.write(out.resolve("videos/clip.webm"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        Files.writeString(out.resolve("page.html"), "<script>alert(1)</script>");
        Files.writeString(s.base.resolve("input/in.txt"), "input file");
        Files.writeString(s.base.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(out.resolve("escape.txt"), s.base.resolve("secret.txt"));
        Files.createSymbolicLink(out.resolve("escapedir"), s.base);
    }

    @AfterAll static void stop() { s.close(); }

    @Test
    void an_output_image_is_served_raw_with_its_type_and_name() {
        var r = s.getBytes("/api/view?filename=ComfyUI_00001_.png&type=output&subfolder=&rand=0.5");
        assertEquals(200, r.statusCode());
        assertArrayEquals(png, r.body());
        assertEquals("image/png", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("filename=\"ComfyUI_00001_.png\"", r.headers().firstValue("Content-Disposition").orElseThrow());
        assertArrayEquals(png, s.getBytes("/view?filename=ComfyUI_00001_.png").body(), "type defaults to output");
    }

    @Test
    void files_are_found_by_subfolder_type_and_annotated_names() {
        assertEquals(200, s.get("/view?filename=clip.webm&subfolder=videos&type=output").statusCode());
        assertEquals("input file", s.get("/view?filename=in.txt&type=input").body());
        assertEquals("input file", s.get("/view?filename=in.txt%20%5Binput%5D&type=output").body());
    }

    @Test
    void a_byte_range_is_answered_with_206_and_the_slice() {
        var r = s.getBytes("/view?filename=clip.webm&subfolder=videos", "Range", "bytes=2-5");
        assertEquals(206, r.statusCode());
        assertArrayEquals(new byte[] {3, 4, 5, 6}, r.body());
    }

    @Test
    void html_is_sent_as_bytes_never_as_a_page() {
        assertEquals("application/octet-stream", s.get("/view?filename=page.html").headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void traversal_in_the_name_is_400_in_the_subfolder_403_and_a_bad_type_400() {
        assertEquals(400, s.get("/view?filename=..%2Fsecret.txt").statusCode());
        assertEquals(400, s.get("/view?filename=%2Fetc%2Fpasswd").statusCode());
        assertEquals(400, s.get("/view?filename=ComfyUI_00001_.png&type=models").statusCode());
        assertEquals(400, s.get("/view?filename=").statusCode());
        assertEquals(403, s.get("/view?filename=secret.txt&subfolder=..").statusCode());
        assertEquals(403, s.get("/view?filename=passwd&subfolder=%2Fetc").statusCode());
        assertEquals(403, s.get("/view?filename=secret.txt&subfolder=videos%2F..%2F..").statusCode());
    }

    @Test
    void symlinks_leading_out_of_the_folder_are_refused() {
        var viaFile = s.get("/view?filename=escape.txt");
        assertEquals(403, viaFile.statusCode());
        assertFalse(viaFile.body().contains("secret\""));
        assertEquals(403, s.get("/view?filename=secret.txt&subfolder=escapedir").statusCode());
    }

    @Test
    void missing_files_are_404() {
        assertEquals(404, s.get("/view?filename=nothing.png").statusCode());
        assertEquals(404, s.get("/view").statusCode());
    }

    @Test
    void channel_rgb_drops_alpha_and_channel_a_keeps_only_alpha() {
        BufferedImage rgb = Images.decode(s.getBytes("/view?filename=ComfyUI_00001_.png&channel=rgb").body());
        assertFalse(rgb.getColorModel().hasAlpha());
        assertEquals(0xff0000 | 80, rgb.getRGB(2, 1) & 0xffffff);
        BufferedImage a = Images.decode(s.getBytes("/view?filename=ComfyUI_00001_.png&channel=a").body());
        assertEquals(120, a.getRGB(2, 1) >>> 24);
        assertEquals(0, a.getRGB(2, 1) & 0xffffff);
    }

    @Test
    void a_jpeg_preview_is_reencoded_and_other_previews_come_back_as_png() {
        var jpeg = s.getBytes("/view?filename=ComfyUI_00001_.png&preview=jpeg;50");
        assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(4, Images.decode(jpeg.body()).getWidth());
        var webp = s.getBytes("/view?filename=ComfyUI_00001_.png&preview=webp;90");
        assertEquals("image/png", webp.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(Images.decode(webp.body()).getColorModel().hasAlpha());
    }
}
