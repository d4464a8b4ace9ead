package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FrontendTest {

    @Test
    void without_a_frontend_the_root_page_explains_how_to_get_one() {
        try (TestServer s = TestServer.start()) {
            var r = s.get("/");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            assertTrue(r.body().contains("comfyui-frontend-package") && r.body().contains("--front-end-root"));
            assertEquals(404, s.get("/assets/index.js").statusCode());
        }
    }

    @Test
    void a_frontend_root_is_served_with_module_mime_types_and_cache_rules() throws Exception {
        Path root = Files.createTempDirectory("jcomfy-fe");
        Files.writeString(root.resolve("index.html"), "<html>ComfyUI</html>");
        Files.createDirectories(root.resolve("assets"));
        Files.writeString(root.resolve("assets/index-abc.js"), "export {}");
        Files.write(root.resolve("assets/logo.png"), Images.png(Images.argb(1, 1, (x, y) -> 0)));
        Files.createDirectories(root.resolve("extensions/core"));
        Files.writeString(root.resolve("extensions/core/groupNode.js"), "");
        Files.writeString(root.getParent().resolve(root.getFileName() + "-secret.txt"), "secret");
        try (TestServer s = TestServer.start("--front-end-root", root.toString())) {
            var index = s.get("/");
            assertEquals("<html>ComfyUI</html>", index.body());
            assertEquals("no-store, must-revalidate", index.headers().firstValue("Cache-Control").orElseThrow());
            var js = s.get("/assets/index-abc.js");
            assertEquals("application/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-store", js.headers().firstValue("Cache-Control").orElseThrow());
            var png = s.get("/assets/logo.png");
            assertEquals("public, max-age=86400", png.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("public, max-age=3600", s.get("/assets/missing.png").headers().firstValue("Cache-Control").orElseThrow());
            assertEquals(404, s.get("/assets").statusCode(), "no directory listing");
            assertEquals(404, s.get("/..%2F" + root.getFileName() + "-secret.txt").statusCode());
            assertEquals("[\"/extensions/core/groupNode.js\",\"/extensions/jcomfy/jcomfy.js\"]", s.get("/api/extensions").body());
        }
    }
}
