package org.jcomfy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedObjectsTest {
    static final long MIB = 1 << 20;

    @Test
    void a_loaded_value_is_shared_until_cleared() {
        ByteBudgetSharedObjects shared = new ByteBudgetSharedObjects(10 * MIB);
        AtomicInteger loads = new AtomicInteger();
        Object first = shared.getOrLoad("model", MIB, () -> { loads.incrementAndGet(); return new Object(); });
        assertEquals(first, shared.getOrLoad("model", MIB, () -> { loads.incrementAndGet(); return new Object(); }));
        assertEquals(1, loads.get());
        shared.clear();
        assertFalse(shared.contains("model"));
    }

    @Test
    void held_lists_each_value_with_its_exact_bytes_the_largest_first() {
        ByteBudgetSharedObjects shared = new ByteBudgetSharedObjects(10 * MIB);
        shared.getOrLoad("vae/a.safetensors", 1_000_001, Object::new);
        shared.getOrLoad("diffusion_models/c.safetensors|default", 5 * MIB, Object::new);
        shared.getOrLoad("text_encoders/b.safetensors", 3 * MIB, Object::new);
        assertEquals(java.util.List.of(new ByteBudgetSharedObjects.Held("diffusion_models/c.safetensors|default", 5 * MIB),
                new ByteBudgetSharedObjects.Held("text_encoders/b.safetensors", 3 * MIB),
                new ByteBudgetSharedObjects.Held("vae/a.safetensors", 1_000_001)), shared.held());
        shared.clear();
        assertEquals(java.util.List.of(), shared.held());
    }

    @Test
    void a_value_asked_for_another_version_is_dropped_and_loaded_anew_even_when_that_load_fails() {
        ByteBudgetSharedObjects shared = new ByteBudgetSharedObjects(10 * MIB);
        Object v1 = shared.getOrLoad("vae/v.safetensors", "stamp-1", MIB, Object::new);
        assertSame(v1, shared.getOrLoad("vae/v.safetensors", "stamp-1", MIB, Object::new));
        Object v2 = shared.getOrLoad("vae/v.safetensors", "stamp-2", MIB, Object::new);
        assertNotSame(v1, v2);
        assertThrows(IllegalStateException.class, () -> shared.getOrLoad("vae/v.safetensors", "stamp-3", MIB,
                () -> { throw new IllegalStateException("truncated"); }));
        assertFalse(shared.contains("vae/v.safetensors"), "the stale value is not kept for the next try");
    }

    @Test
    void a_value_larger_than_the_budget_is_refused_before_loading_with_both_sizes_named() {
        ByteBudgetSharedObjects shared = new ByteBudgetSharedObjects(2 * MIB);
        var e = assertThrows(IllegalStateException.class,
                () -> shared.getOrLoad("wan-14b", 3L << 30, () -> { throw new AssertionError("must not load"); }));
        assertTrue(e.getMessage().contains("3.00 GiB"), e.getMessage());
        assertTrue(e.getMessage().contains("2.0 MiB"), e.getMessage());
    }

    @Test
    void values_beyond_the_budget_evict_older_ones() {
        ByteBudgetSharedObjects shared = new ByteBudgetSharedObjects(10 * MIB);
        for (int i = 0; i < 5; i++) shared.getOrLoad("m" + i, 4 * MIB, Object::new);
        int held = 0;
        for (int i = 0; i < 5; i++) if (shared.contains("m" + i)) held++;
        assertTrue(held <= 2, "at most 10 MiB of 4 MiB values stay, held " + held);
        assertTrue(shared.contains("m4"), "the newest stays");
    }

    @Test
    void the_environment_lists_model_files_and_explains_a_missing_one() throws Exception {
        try (TestServer s = TestServer.start()) {
            java.nio.file.Files.createDirectories(s.base.resolve("models/unet"));
            java.nio.file.Files.writeString(s.base.resolve("models/unet/wan.safetensors"), "x");
            var env = s.server.runtime().environment();
            assertEquals(java.util.List.of("wan.safetensors"), env.modelFiles("diffusion_models"));
            assertEquals(s.base.resolve("models/unet/wan.safetensors"), env.modelPath("unet", "wan.safetensors"));
            var e = assertThrows(IllegalArgumentException.class, () -> env.modelPath("vae", "missing.safetensors"));
            assertTrue(e.getMessage().contains("missing.safetensors") && e.getMessage().contains("vae"), e.getMessage());
            assertEquals("cpu", env.device().id().toString());
            assertEquals(s.base.resolve("input"), env.inputDirectory());
        }
    }
}
