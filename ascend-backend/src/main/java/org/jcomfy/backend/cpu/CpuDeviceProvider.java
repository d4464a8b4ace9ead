package org.jcomfy.backend.cpu;

import java.util.List;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.DeviceProvider;

public final class CpuDeviceProvider implements DeviceProvider {
    private static final Device CPU = new CpuDevice();

    @Override public String type() { return "cpu"; }

    @Override public List<Device> devices() { return List.of(CPU); }
}
