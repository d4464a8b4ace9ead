package org.jcomfy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CpuKernelsFactoryTest {

    @Test
    void the_cpu_device_gets_the_fast_table_by_default() {
        assertInstanceOf(CpuKernels.class, CpuKernelsFactory.create());
        assertInstanceOf(CpuKernels.class, new CpuDevice().kernels());
    }

    @Test
    void properties_select_the_java_gemm_and_the_scalar_loops() {
        CpuKernels fast = CpuKernels.fromProperties(new ReferenceKernels()::attention);
        assertTrue(fast.usesNativeBlas() && fast.usesVectors(), fast.toString());
        withProperty("jcomfy.gemm", "java", () -> assertFalse(CpuKernels.fromProperties(new ReferenceKernels()::attention).usesNativeBlas()));
        withProperty("jcomfy.kernels.scalar", "true", () -> assertFalse(CpuKernels.fromProperties(new ReferenceKernels()::attention).usesVectors()));
    }

    @Test
    void attention_is_delegated_to_the_kernel_given_at_construction() {
        Tensor marker = Tensor.zeros(DType.F32, 1);
        CpuKernels k = new CpuKernels(CpuThreads.shared(), (q, kk, v, bias, scale) -> marker, true, true);
        assertSame(marker, k.attention(marker, marker, marker, null, 1f));
    }

    private static void withProperty(String name, String value, Runnable body) {
        String old = System.getProperty(name);
        System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (old == null) System.clearProperty(name); else System.setProperty(name, old);
        }
    }

    @Test
    void the_reference_property_still_selects_the_reference_table() {
        String old = System.getProperty("jcomfy.referenceKernels");
        System.setProperty("jcomfy.referenceKernels", "true");
        try {
            assertInstanceOf(ReferenceKernels.class, CpuKernelsFactory.create());
            assertInstanceOf(ReferenceKernels.class, new CpuDevice().kernels());
        } finally {
            if (old == null) System.clearProperty("jcomfy.referenceKernels"); else System.setProperty("jcomfy.referenceKernels", old);
        }
    }
}
