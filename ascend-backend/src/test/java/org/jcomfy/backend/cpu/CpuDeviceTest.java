package org.jcomfy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.junit.jupiter.api.Test;

class CpuDeviceTest {
    private static final BackendOptions DEFAULTS = BackendOptions.defaults();

    @Test
    void the_default_options_give_the_fast_table_with_vectors_and_openblas() {
        CpuKernels fast = assertInstanceOf(CpuKernels.class, new CpuDevice(DEFAULTS).kernels());
        assertTrue(fast.usesNativeBlas() && fast.usesVectors(), fast.toString());
    }

    @Test
    void the_options_select_the_java_gemm_the_scalar_loops_and_the_thread_count() {
        BackendOptions javaGemm = new BackendOptions(3, "runtime", true, false, false);
        BackendOptions scalar = new BackendOptions(1, "static", false, true, false);
        assertFalse(((CpuKernels) new CpuDevice(javaGemm).kernels()).usesNativeBlas());
        assertFalse(((CpuKernels) new CpuDevice(scalar).kernels()).usesVectors());
        assertTrue(new CpuDevice(javaGemm).kernels().toString().contains("3 threads"));
    }

    @Test
    void the_reference_option_selects_the_reference_table() {
        BackendOptions reference = new BackendOptions(2, "runtime", true, true, true);
        assertInstanceOf(ReferenceKernels.class, new CpuDevice(reference).kernels());
    }

    @Test
    void callers_with_the_same_options_share_one_device_and_so_one_pool() {
        assertSame(Devices.cpu(DEFAULTS), Devices.cpu(BackendOptions.defaults()));
    }

    @Test
    void an_unknown_attention_mode_is_refused_with_the_modes_it_could_be() {
        BackendOptions fastest = new BackendOptions(2, "fastest", true, true, false);
        var e = assertThrows(IllegalArgumentException.class, () -> Devices.cpu(fastest));
        assertTrue(e.getMessage().contains("runtime, static or manual:NAME") && e.getMessage().contains("'fastest'"), e.getMessage());
    }

    @Test
    void attention_is_delegated_to_the_kernel_given_at_construction() {
        Tensor marker = Tensor.zeros(DType.F32, 1);
        CpuKernels k = new CpuKernels(new CpuThreads(2), (q, kk, v, bias, scale) -> marker, true, true);
        assertSame(marker, k.attention(marker, marker, marker, null, 1f));
    }
}
