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

    /** The keys neither this model nor {@code other} (the text encoder beside a DiT, say) loads; this match's reasons. */
    public Map<String, String> notLoadedByEither(LoraMatch other) {
        Map<String, String> both = new LinkedHashMap<>(notLoaded);
        both.keySet().retainAll(other.notLoaded().keySet());
        return both;
    }

    /** {@code key (reason)} for the first {@code limit} of {@code keys}. */
    public static List<String> describe(Map<String, String> keys, int limit) {
        return keys.entrySet().stream().limit(limit).map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.toList());
    }
}
