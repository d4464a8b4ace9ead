package org.jcomfy.backend.cpu;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.jcomfy.backend.attention.AttentionImplementation;
import org.jcomfy.backend.attention.AttentionSelector;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.DeviceId;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.threads.CpuThreads;

/** The CPU: always present. Memory figures are the machine's physical RAM. */
public final class CpuDevice implements Device {
    private final Kernels kernels;
    private final List<AttentionImplementation> attention;

    /**
     * The kernel table {@code options} ask for: {@link CpuKernels} on one pool of
     * {@code options.threads()} workers, with attention chosen as MindIE SD does
     * ({@code runtime|static|manual:NAME}, see {@link AttentionSelector#fromSetting}) on the same pool;
     * or the plain {@link ReferenceKernels} when {@code referenceKernels} is set. The attention
     * implementations an AttentionSelect node may name are the selector's ({@code flash},
     * {@code naive}), or {@code reference} for the reference table.
     */
    public CpuDevice(BackendOptions options) {
        if (options.referenceKernels()) {
            this.kernels = new ReferenceKernels();
            this.attention = List.of(AttentionImplementation.of("reference", kernels::attention));
        } else {
            CpuThreads threads = new CpuThreads(options.threads());
            AttentionSelector selector = AttentionSelector.fromSetting(options.attention(), threads);
            this.kernels = new CpuKernels(threads, selector, options.vectorKernels(), options.nativeGemm());
            this.attention = selector.implementations();
        }
    }

    /** A device on a given kernel table, whose attention is the table's own ("kernels"). */
    public CpuDevice(Kernels kernels) {
        this.kernels = kernels;
        this.attention = List.of(AttentionImplementation.of("kernels", kernels::attention));
    }

    @Override public DeviceId id() { return DeviceId.CPU; }

    @Override public String description() {
        return "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    @Override public Kernels kernels() { return kernels; }

    @Override public List<AttentionImplementation> attentionImplementations() { return attention; }

    @Override public long totalMemoryBytes() { return os().getTotalMemorySize(); }

    @Override public long freeMemoryBytes() { return os().getFreeMemorySize(); }

    private static OperatingSystemMXBean os() {
        return (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }
}
