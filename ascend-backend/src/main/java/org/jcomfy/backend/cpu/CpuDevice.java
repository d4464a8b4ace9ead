package org.jcomfy.backend.cpu;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
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

    /**
     * The kernel table {@code options} ask for: {@link CpuKernels} on one pool of
     * {@code options.threads()} workers, with attention chosen as MindIE SD does
     * ({@code runtime|static|manual:NAME}, see {@link AttentionSelector#fromSetting}) on the same pool;
     * or the plain {@link ReferenceKernels} when {@code referenceKernels} is set.
     */
    public CpuDevice(BackendOptions options) {
        this(kernelsFor(options));
    }

    public CpuDevice(Kernels kernels) { this.kernels = kernels; }

    private static Kernels kernelsFor(BackendOptions options) {
        if (options.referenceKernels()) return new ReferenceKernels();
        CpuThreads threads = new CpuThreads(options.threads());
        return new CpuKernels(threads, AttentionSelector.fromSetting(options.attention(), threads),
                options.vectorKernels(), options.nativeGemm());
    }

    @Override public DeviceId id() { return DeviceId.CPU; }

    @Override public String description() {
        return "cpu (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    @Override public Kernels kernels() { return kernels; }

    @Override public long totalMemoryBytes() { return os().getTotalMemorySize(); }

    @Override public long freeMemoryBytes() { return os().getFreeMemorySize(); }

    private static OperatingSystemMXBean os() {
        return (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }
}
