package org.jcomfy.nodes.models.wan.dit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;

/** Paths and comparison helpers for {@code testdata/golden/wan-tiny} (see its README.md). */
final class WanTinyGolden {
    static final Path DIR = Path.of(System.getProperty("jcomfy.testdata"), "golden", "wan-tiny");
    static final Path WEIGHTS = DIR.resolve("weights.safetensors");
    static final Path INPUTS = DIR.resolve("inputs.safetensors");
    static final Path ACTIVATIONS = DIR.resolve("activations.safetensors");
    static final double TOLERANCE = 1e-5;

    private WanTinyGolden() {}

    static Kernels kernels() {
        return Devices.cpu().kernels();
    }

    static void assertClose(String name, Tensor actual, Tensor expected, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        double err = TensorMetrics.relativeL2(actual, expected);
        assertTrue(err <= tolerance, name + ": relative L2 error " + err + " > " + tolerance);
    }
}
