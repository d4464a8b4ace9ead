package org.jcomfy.backend.device;

import org.jcomfy.backend.kernels.Kernels;

/**
 * One compute device: its name, its memory, and its kernel table. Implementations:
 * {@code cpu} (embedded default); {@code ascend} and {@code cuda} plug in through
 * {@link DeviceProvider} without anything above the backend changing.
 */
public interface Device {
    DeviceId id();

    /** Human-readable name, shown in /system_stats. */
    String description();

    Kernels kernels();

    long totalMemoryBytes();

    long freeMemoryBytes();
}
