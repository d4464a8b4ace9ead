package org.jcomfy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jcomfy.backend.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

class CpuKernelsFactoryTest {

    @Test
    void the_cpu_device_gets_the_fast_table_by_default() {
        assertInstanceOf(CpuKernels.class, CpuKernelsFactory.create());
        assertInstanceOf(CpuKernels.class, new CpuDevice().kernels());
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
