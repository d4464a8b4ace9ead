package org.jcomfy.backend.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class BackendOptionsTest {

    @Test
    void no_properties_means_the_defaults() {
        assertEquals(BackendOptions.defaults(), BackendOptions.from(new Properties()));
        assertEquals(Runtime.getRuntime().availableProcessors(), BackendOptions.defaults().threads());
        assertEquals("runtime", BackendOptions.defaults().attention(), "attention is chosen by measurement unless told otherwise");
    }

    @Test
    void each_jcomfy_property_sets_its_option() {
        Properties p = new Properties();
        p.setProperty("jcomfy.threads", "3");
        p.setProperty("jcomfy.attention", "manual:naive");
        p.setProperty("jcomfy.kernels.scalar", "true");
        p.setProperty("jcomfy.gemm", "java");
        p.setProperty("jcomfy.referenceKernels", "true");
        assertEquals(new BackendOptions(3, "manual:naive", false, false, true), BackendOptions.from(p));
    }

    @Test
    void a_thread_count_that_is_not_a_positive_number_is_refused_by_name() {
        Properties p = new Properties();
        p.setProperty("jcomfy.threads", "many");
        var e = assertThrows(IllegalArgumentException.class, () -> BackendOptions.from(p));
        assertTrue(e.getMessage().contains("jcomfy.threads") && e.getMessage().contains("'many'"), e.getMessage());
        p.setProperty("jcomfy.threads", "0");
        assertThrows(IllegalArgumentException.class, () -> BackendOptions.from(p));
    }
}
