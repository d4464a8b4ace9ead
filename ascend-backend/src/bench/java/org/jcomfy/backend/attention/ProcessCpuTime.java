package org.jcomfy.backend.attention;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time the whole process spent per call, reported by JMH next to the wall time as
 * {@code cpuMillis}. The build machine is shared, so wall time depends on what else runs;
 * flops per CPU-second (times the thread count) says what the kernel does with the cores it gets.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ProcessCpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public double cpuMillis;

    static long now() {
        return OS.getProcessCpuTime();
    }

    void add(long startNanos) {
        cpuMillis += (now() - startNanos) / 1e6;
    }
}
