package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomNodesTest {
    @TempDir Path base;

    @Test
    void a_jar_in_custom_nodes_adds_the_nodes_its_service_file_lists() throws Exception {
        Path dir = Files.createDirectories(base.resolve("custom_nodes"));
        assertNull(CustomNodes.load(dir).get("TestSamplerLike"), "not registered without the jar");
        try (OutputStream out = Files.newOutputStream(dir.resolve("pack.jar")); JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/services/org.jcomfy.nodes.api.NodeProvider"));
            jar.write("org.jcomfy.server.TestNodes$SchemaOnly\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        assertNotNull(CustomNodes.load(dir).get("TestSamplerLike"));
        assertNotNull(CustomNodes.load(dir).get("KSampler"), "built-in nodes stay");
    }

    @Test
    void a_missing_custom_nodes_folder_means_built_in_nodes_only() {
        assertNotNull(CustomNodes.load(base.resolve("nope")).get("KSampler"));
    }
}
