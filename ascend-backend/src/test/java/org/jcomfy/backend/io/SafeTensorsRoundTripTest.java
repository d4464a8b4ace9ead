package org.jcomfy.backend.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
    @TempDir Path dir;

    @Test
    void written_tensors_read_back_with_the_same_dtype_shape_and_values() throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        in.put("b", Tensor.of(new float[] {0.5f, -1.25f}, 2).copyAs(DType.BF16));
        in.put("ids", Tensor.ofLongs(new long[] {7, 8, 9}, 3));
        Path f = dir.resolve("t.safetensors");
        SafeTensorsWriter.write(f, in, Map.of("format", "pt"));
        try (SafeTensorsFile file = SafeTensorsFile.open(f)) {
            assertEquals("pt", file.metadata().get("format"));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, file.tensor("a").toFloatArray());
            assertEquals(DType.BF16, file.tensor("b").dtype());
            assertArrayEquals(new float[] {0.5f, -1.25f}, file.tensor("b").toFloatArray());
            assertArrayEquals(new long[] {7, 8, 9}, file.tensor("ids").toLongArray());
        }
    }
}
