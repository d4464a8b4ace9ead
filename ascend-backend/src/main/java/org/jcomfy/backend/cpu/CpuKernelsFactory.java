package org.jcomfy.backend.cpu;

import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.ReferenceKernels;

/** Chooses the CPU kernel table. Until the tuned kernels land this is the reference one. */
final class CpuKernelsFactory {
    private CpuKernelsFactory() {}

    static Kernels create() {
        return new ReferenceKernels();
    }
}
