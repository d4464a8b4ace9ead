package org.jcomfy.backend.cpu;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.DeviceProvider;

public final class CpuDeviceProvider implements DeviceProvider {
    /**
     * One device per distinct options, so every caller with the same options shares one pool and one
     * attention selector (whose per-shape choices are worth keeping). Static because ServiceLoader
     * makes a new provider on every lookup.
     */
    private static final Map<BackendOptions, Device> DEVICES = new ConcurrentHashMap<>();

    @Override public String type() { return "cpu"; }

    @Override public List<Device> devices(BackendOptions options) {
        return List.of(DEVICES.computeIfAbsent(options, CpuDevice::new));
    }
}
