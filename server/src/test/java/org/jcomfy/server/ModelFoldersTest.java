package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jcomfy.server.files.ExtraModelPaths;
import org.jcomfy.server.files.ModelFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFoldersTest {
    @TempDir Path base;

    ModelFolders folders() {
        return ModelFolders.defaults(base, base.resolve("output"));
    }

    static void touch(Path p) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "x");
    }

    @Test
    void listings_merge_every_root_recursively_sorted_and_filtered_by_extension() throws Exception {
        touch(base.resolve("models/diffusion_models/wan2.1_t2v_1.3B.safetensors"));
        touch(base.resolve("models/unet/old/B.SFT"));
        touch(base.resolve("models/unet/notes.txt"));
        touch(base.resolve("models/unet/.git/x.safetensors"));
        touch(base.resolve("output/diffusion_models/saved.safetensors"));
        assertEquals(List.of("old/B.SFT", "saved.safetensors", "wan2.1_t2v_1.3B.safetensors"), folders().files("diffusion_models"));
        assertEquals(folders().files("diffusion_models"), folders().files("unet"), "legacy alias");
    }

    @Test
    void listings_follow_symlinked_directories() throws Exception {
        touch(base.resolve("elsewhere/umt5.safetensors"));
        Files.createDirectories(base.resolve("models/text_encoders"));
        Files.createSymbolicLink(base.resolve("models/text_encoders/linked"), base.resolve("elsewhere"));
        assertEquals(List.of("linked/umt5.safetensors"), folders().files("clip"));
    }

    @Test
    void a_symlinked_model_file_kept_on_another_disk_is_listed_and_loads() throws Exception {
        touch(base.resolve("big-disk/wan_2.1_vae.safetensors"));
        Files.createDirectories(base.resolve("models/vae"));
        Files.createSymbolicLink(base.resolve("models/vae/wan_2.1_vae.safetensors"), base.resolve("big-disk/wan_2.1_vae.safetensors"));
        assertEquals(List.of("wan_2.1_vae.safetensors"), folders().files("vae"));
        assertEquals(base.resolve("models/vae/wan_2.1_vae.safetensors"), folders().path("vae", "wan_2.1_vae.safetensors"));
        assertThrows(IllegalArgumentException.class, () -> folders().path("vae", "../../big-disk/wan_2.1_vae.safetensors"),
                "links are the owner's choice; .. stays refused");
    }

    @Test
    void special_folders_have_their_own_filters() throws Exception {
        touch(base.resolve("models/configs/a.yaml"));
        touch(base.resolve("models/configs/b.safetensors"));
        touch(base.resolve("models/classifiers/model"));
        touch(base.resolve("models/classifiers/model.pt"));
        assertEquals(List.of("a.yaml"), folders().files("configs"));
        assertEquals(List.of("model"), folders().files("classifiers"));
    }

    @Test
    void a_model_path_is_found_in_the_first_root_that_has_it_and_never_outside() throws Exception {
        touch(base.resolve("models/vae/wan_2.1_vae.safetensors"));
        assertEquals(base.resolve("models/vae/wan_2.1_vae.safetensors"), folders().path("vae", "wan_2.1_vae.safetensors"));
        var missing = assertThrows(IllegalArgumentException.class, () -> folders().path("vae", "nope.safetensors"));
        assertTrue(missing.getMessage().contains("nope.safetensors"));
        assertThrows(IllegalArgumentException.class, () -> folders().path("vae", "../../models/vae/../../secret.safetensors"));
        assertThrows(IllegalArgumentException.class, () -> folders().path("no_such_folder", "x"));
    }

    @Test
    void extra_model_paths_yaml_appends_prepends_and_creates_folders() throws Exception {
        touch(base.resolve("shared/ckpt/a.safetensors"));
        touch(base.resolve("shared/te/b.safetensors"));
        touch(base.resolve("shared/clip2/c.safetensors"));
        touch(base.resolve("conf/rel/d.safetensors"));
        Path yaml = base.resolve("conf/extra_model_paths.yaml");
        Files.writeString(yaml, """
                comfyui:
                  base_path: ../shared
                  is_default: true
                  checkpoints: ckpt/
                  clip: |
                    te/
                    clip2/
                  my_custom: ckpt
                other:
                  unet: rel
                empty:
                """);
        ModelFolders m = folders();
        ExtraModelPaths.load(yaml, m);
        assertEquals(base.resolve("shared/ckpt"), m.folder("checkpoints").roots().getFirst(), "is_default prepends");
        assertEquals(List.of("b.safetensors", "c.safetensors"), m.files("text_encoders"));
        assertEquals(List.of("d.safetensors"), m.files("diffusion_models"), "relative to the yaml without base_path");
        assertEquals(List.of("a.safetensors"), m.files("my_custom"));
        assertTrue(m.names().contains("my_custom"));
    }

    @Test
    void the_model_routes_list_folders_files_and_metadata() throws Exception {
        try (TestServer s = TestServer.start()) {
            touch(s.base.resolve("models/embeddings/EasyNegative.safetensors"));
            touch(s.base.resolve("models/vae/.hidden.safetensors"));
            writeSafetensors(s.base.resolve("models/vae/v.safetensors"), "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
            writeSafetensors(s.base.resolve("models/vae/plain.safetensors"), "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
            assertEquals("[\"EasyNegative\"]", s.get("/api/embeddings").body());
            JsonNode names = TestServer.json(s.get("/api/models"));
            assertEquals("checkpoints", names.get(0).asText());
            assertTrue(names.toString().contains("\"custom_nodes\""));
            assertEquals("[\".hidden.safetensors\",\"plain.safetensors\",\"v.safetensors\"]", s.get("/models/vae").body());
            assertEquals(404, s.get("/api/models/unet").statusCode(), "aliases are not folder keys here");
            assertEquals(404, s.get("/api/models/nothing").statusCode());

            JsonNode exp = TestServer.json(s.get("/api/experiment/models"));
            assertEquals("checkpoints", exp.get(0).get("name").asText());
            assertTrue(exp.get(0).get("folders").get(0).asText().endsWith("models/checkpoints"));
            assertTrue(!exp.toString().contains("\"configs\"") && !exp.toString().contains("\"custom_nodes\""));
            JsonNode files = TestServer.json(s.get("/api/experiment/models/vae"));
            assertEquals(2, files.size(), "hidden files skipped: " + files);
            assertEquals("plain.safetensors", files.get(0).get("name").asText());
            assertEquals(0, files.get(0).get("pathIndex").asInt());
            assertTrue(files.get(0).get("modified").isFloatingPointNumber());
            assertEquals(404, s.get("/api/experiment/models/unet").statusCode());

            assertEquals("{\"format\":\"pt\"}", s.get("/api/view_metadata/vae?filename=v.safetensors").body());
            assertEquals(404, s.get("/api/view_metadata/vae?filename=plain.safetensors").statusCode());
            assertEquals(404, s.get("/api/view_metadata/vae?filename=missing.safetensors").statusCode());
            assertEquals(404, s.get("/api/view_metadata/vae?filename=v.ckpt").statusCode());

            Files.write(s.base.resolve("models/vae/v.preview.png"), Images.png(Images.argb(1, 1, (x, y) -> -1)));
            var preview = s.getBytes("/api/experiment/models/preview/vae/0/v.safetensors");
            assertEquals(200, preview.statusCode());
            assertEquals("image/png", preview.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(404, s.get("/api/experiment/models/preview/vae/0/plain.safetensors").statusCode());
            assertEquals(404, s.get("/api/experiment/models/preview/vae/7/v.safetensors").statusCode());

            JsonNode paths = TestServer.json(s.get("/internal/folder_paths"));
            assertEquals(3, paths.get("diffusion_models").size(), "unet, diffusion_models, output/diffusion_models");
            assertTrue(paths.get("text_encoders").get(1).asText().endsWith("models/clip"));
        }
    }

    static void writeSafetensors(Path file, String header) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(1f);
        Files.createDirectories(file.getParent());
        Files.write(file, b.array());
    }
}
