package org.jcomfy.backend.device;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Every device the registered providers report, and lookup by name ({@code cpu}, {@code ascend:0}). */
public final class Devices {
    private Devices() {}

    public static List<Device> available() {
        List<Device> all = new ArrayList<>();
        for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
            try {
                all.addAll(p.devices());
            } catch (RuntimeException | LinkageError e) {
                System.err.println("jcomfy: device provider '" + p.type() + "' failed to probe: " + e);
            }
        }
        return all;
    }

    public static Device get(String name) {
        DeviceId want = DeviceId.parse(name);
        for (Device d : available()) {
            if (d.id().equals(want)) return d;
        }
        throw new IllegalArgumentException("no device '" + name + "'; available: " + available().stream().map(Device::id).toList());
    }

    public static Device cpu() { return get("cpu"); }
}
