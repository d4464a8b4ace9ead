package org.jcomfy.nodes.types;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;

/**
 * ComfyUI's CONDITIONING: a list of (embedding, extras) pairs. For Wan the embedding is the
 * text encoder output {@code [1, L, 4096]}; extras carry e.g. {@code concat_latent_image},
 * {@code concat_mask} and {@code clip_vision_output} for image-to-video.
 */
public record Conditioning(List<Entry> entries) {

    public record Entry(Tensor embedding, Map<String, Object> extras) {
        public Entry with(String key, Object value) {
            Map<String, Object> m = new HashMap<>(extras);
            m.put(key, value);
            return new Entry(embedding, Map.copyOf(m));
        }
    }

    public static Conditioning of(Tensor embedding) {
        return new Conditioning(List.of(new Entry(embedding, Map.of())));
    }

    /** A copy with {@code key = value} merged into every entry's extras (tensors are shared, not copied). */
    public Conditioning with(String key, Object value) {
        return new Conditioning(entries.stream().map(e -> e.with(key, value)).toList());
    }
}
