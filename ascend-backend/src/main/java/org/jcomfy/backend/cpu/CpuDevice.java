package org.jcomfy.backend.cpu;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.DeviceId;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.kernels.ReferenceKernels;

/** The CPU: always present. Memory figures are the machine's physical RAM. */
public final class CpuDevice implements Device {
    private final Kernels kernels;

    public CpuDevice() {
        this(Boolean.getBoolean("jcomfy.referenceKernels") ? new ReferenceKernels() : CpuKernelsFactory.create());
    }

    public CpuDevice(Kernels kernels) { this.kernels = kernels; }

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
