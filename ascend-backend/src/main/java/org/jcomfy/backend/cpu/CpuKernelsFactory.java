package org.jcomfy.backend.cpu;

import org.jcomfy.backend.attention.AttentionSelector;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.ReferenceKernels;

/**
 * Chooses the CPU kernel table: {@link CpuKernels} (paths chosen by its system properties) with
 * the attention selector behind {@code attention},
 * or the plain {@link ReferenceKernels} when {@code jcomfy.referenceKernels=true}.
 */
final class CpuKernelsFactory {
    private CpuKernelsFactory() {}

    static Kernels create() {
        if (Boolean.getBoolean("jcomfy.referenceKernels")) return new ReferenceKernels();
        // Attention goes through MindIE-style selection (jcomfy.attention=runtime|static|manual:NAME).
        return CpuKernels.fromProperties(AttentionSelector.fromSystemProperty());
    }
}
