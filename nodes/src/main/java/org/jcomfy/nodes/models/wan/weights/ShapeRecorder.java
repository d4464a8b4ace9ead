package org.jcomfy.nodes.models.wan.weights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A {@link WeightReader} that holds no tensors: it notes each key and shape a mapping asks
 * for and returns null. Used to list a model's expected state dict without allocating it
 * (detection tests, random benchmark weights, documentation).
 */
public final class ShapeRecorder implements WeightReader {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    @Override
    public Tensor take(String key, long... expectedShape) {
        shapes.put(key, expectedShape.clone());
        return null;
    }

    /** Key → shape in the order the mapping asked for them. */
    public Map<String, long[]> shapes() {
        return Collections.unmodifiableMap(shapes);
    }
}
