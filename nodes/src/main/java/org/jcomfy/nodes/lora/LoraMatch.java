package org.jcomfy.nodes.lora;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a LoRA file does to one model: the patches that apply, and every file key that does not,
 * each with its reason (ComfyUI logs these as "lora key not loaded").
 *
 * @param origin    the LoRA file
 * @param patches   the changes, one per model tensor and kind
 * @param notLoaded each key not applied → why, in file order
 */
public record LoraMatch(String origin, List<LoraPatch> patches, Map<String, String> notLoaded) {

    /**
     * The keys neither this model (a DiT) nor {@code textEncoder} loads, with the text encoder's
     * reason for text-encoder keys and this match's for the rest.
     */
    public Map<String, String> notLoadedByEither(LoraMatch textEncoder) {
        Map<String, String> both = new LinkedHashMap<>();
        notLoaded.forEach((key, reason) -> {
            String other = textEncoder.notLoaded().get(key);
            if (other != null) both.put(key, LoraKeys.isTextEncoder(key) ? other : reason);
        });
        return both;
    }

    /** {@code key (reason)} for the first {@code limit} of {@code keys}. */
    public static List<String> describe(Map<String, String> keys, int limit) {
        return keys.entrySet().stream().limit(limit).map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.toList());
    }
}
