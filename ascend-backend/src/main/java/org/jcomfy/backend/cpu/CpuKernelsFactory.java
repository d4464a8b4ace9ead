package org.jcomfy.backend.cpu;

import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.ReferenceKernels;

/**
 * Chooses the CPU kernel table: {@link CpuKernels} (paths chosen by its system properties),
 * or the plain {@link ReferenceKernels} when {@code jcomfy.referenceKernels=true}.
 */
final class CpuKernelsFactory {
    private CpuKernelsFactory() {}

    static Kernels create() {
        if (Boolean.getBoolean("jcomfy.referenceKernels")) return new ReferenceKernels();
        // the attention selector (org.jcomfy.backend.attention) is wired in here once merged
        return CpuKernels.fromProperties(new ReferenceKernels()::attention);
    }
}
