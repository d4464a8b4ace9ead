package org.jcomfy.backend.device;

import java.util.List;
import org.jcomfy.backend.attention.AttentionImplementation;
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

    /**
     * The attention implementations this device offers, in its fallback order: what an
     * {@code AttentionSelect} node may name, time or pick by rule. {@link #kernels()}'s own
     * attention is the device's default choice among them.
     */
    List<AttentionImplementation> attentionImplementations();

    long totalMemoryBytes();

    long freeMemoryBytes();
}
