package org.jcomfy.nodes.loaders;

import org.jcomfy.nodes.models.ProgressListener;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.files.FileStamp;
import org.jcomfy.nodes.models.wan.vae.DemoVaeWeights;
import org.jcomfy.nodes.testing.TestContext;
import org.jcomfy.nodes.types.VideoVae;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file replaced, rewritten or truncated on disk after it was loaded. */
class ChangedModelFileTest {
    @TempDir Path dir;

    private static final NodeInputs VAE = new NodeInputs(Map.of("vae_name", "v.safetensors"));

    private static VideoVae load(TestContext ctx) throws Exception {
        return (VideoVae) new VaeLoader().execute(VAE, ctx).results().getFirst();
    }

    private static float[] decodeZeros(VideoVae vae) {
        return vae.decode(Tensor.zeros(DType.F32, 1, 16, 1, 2, 2), ProgressListener.NONE).toFloatArray();
    }

    private byte[] demoVae(long seed) throws Exception {
        Path scratch = dir.resolve("scratch-" + seed + ".safetensors");
        DemoVaeWeights.write(scratch, 16, seed);
        return Files.readAllBytes(scratch);
    }

    @Test
    void a_file_rewritten_in_place_is_loaded_anew_and_the_old_model_refuses_to_read_it() throws Exception {
        TestContext ctx = new TestContext(dir);
        Path file = Files.createDirectories(ctx.outputDirectory().resolveSibling("models/vae")).resolve("v.safetensors");
        byte[] seed1 = demoVae(1);
        Files.write(file, seed1);
        VideoVae first = load(ctx);
        float[] before = decodeZeros(first);
        assertSame(first, load(ctx), "an unchanged file is not loaded twice");
        Object fingerprint = new VaeLoader().fingerprint(VAE, ctx);

        Files.write(file, demoVae(2)); // same inode, new bytes: what the old mapping now sees
        assertNotEquals(fingerprint, new VaeLoader().fingerprint(VAE, ctx), "the loader re-runs instead of reusing its cached output");
        IllegalStateException stale = assertThrows(IllegalStateException.class, () -> decodeZeros(first));
        assertTrue(stale.getMessage().startsWith("the model file vae/v.safetensors changed on disk after it was loaded"), stale.getMessage());

        VideoVae second = load(ctx);
        assertNotSame(first, second);
        float[] after = decodeZeros(second);
        assertFalse(Arrays.equals(before, after), "the new weights are used");

        Files.write(file, seed1);
        assertArrayEquals(before, decodeZeros(load(ctx)), "the first file back gives the first result back");
    }

    @Test
    void a_truncated_file_fails_with_the_readers_message_not_an_internal_error() throws Exception {
        TestContext ctx = new TestContext(dir);
        Path file = Files.createDirectories(ctx.outputDirectory().resolveSibling("models/vae")).resolve("v.safetensors");
        Files.write(file, demoVae(1));
        VideoVae loaded = load(ctx);
        decodeZeros(loaded);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        IllegalStateException stale = assertThrows(IllegalStateException.class, () -> decodeZeros(loaded));
        assertTrue(stale.getMessage().contains("size " + (Files.size(dir.resolve("scratch-1.safetensors"))) + " -> 100 bytes"), stale.getMessage());
        RuntimeException reload = assertThrows(RuntimeException.class, () -> load(ctx));
        assertTrue(reload.getMessage().contains("v.safetensors") && reload.getMessage().contains("100 bytes"), reload.getMessage());
    }

    @Test
    void a_fault_on_a_mapped_page_of_a_shrunken_file_becomes_a_clear_error() throws Exception {
        Path file = dir.resolve("m.safetensors");
        Files.write(file, new byte[1 << 20]);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, 1 << 20, arena);
            ch.truncate(0);
            // Stamped after the truncation, so only the fault itself can tell (the stamp check cannot).
            ModelFile model = new ModelFile("vae/m.safetensors", file, FileStamp.of(file));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> model.use(() -> mapped.get(ValueLayout.JAVA_BYTE, 512 * 1024)));
            assertTrue(e.getMessage().startsWith("reading the model file vae/m.safetensors failed: it changed on disk while in use"),
                    e.getMessage());
            assertInstanceOf(InternalError.class, e.getCause());
        }
        assertEquals(0, Files.size(file));
    }
}
