package org.jcomfy.nodes.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.image.SaveImage;
import org.jcomfy.nodes.testing.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output is there complete or not at all: no partial file, no part file, no half of a batch. */
class FailedSavesLeaveNothingTest {
    @TempDir Path dir;

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void a_writer_that_fails_halfway_leaves_neither_the_file_nor_its_part_file() throws Exception {
        Path target = dir.resolve("ComfyUI_00001_.webp");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OutputFile.write(dir, target, part -> {
            Files.write(part, new byte[1000]);
            throw new IllegalStateException("encoder failed");
        }));
        assertEquals("encoder failed", e.getMessage());
        assertEquals(List.of(), names(dir));
    }

    @Test
    void a_complete_file_replaces_the_name_and_no_part_file_stays() throws Exception {
        Path target = dir.resolve("a.png");
        OutputFile.write(dir, target, part -> Files.write(part, new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("a.png"), names(dir));
    }

    @Test
    void a_batch_whose_second_image_cannot_be_saved_removes_the_first() throws Exception {
        TestContext ctx = new TestContext(dir);
        // The second image's name (x_1, counter 2) is taken by a folder, so its rename fails after the first is written.
        Files.createDirectories(ctx.outputDirectory().resolve("x_1_00002_.png"));
        Tensor two = Tensor.of(new float[2 * 4 * 4 * 3], 2, 4, 4, 3);
        assertThrows(IOException.class, () -> new SaveImage().execute(
                new NodeInputs(Map.of("images", two, "filename_prefix", "x_%batch_num%")), ctx));
        assertEquals(List.of("x_1_00002_.png"), names(ctx.outputDirectory()));
    }
}
