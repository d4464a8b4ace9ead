package org.jcomfy.nodes.lora;

import java.util.List;

/**
 * What a LoRA file does to one model: the patches that apply, and every file key that does not,
 * each with its reason (ComfyUI logs these as "lora key not loaded").
 *
 * @param origin    the LoRA file
 * @param patches   the changes, one per model tensor and kind
 * @param notLoaded {@code key (reason)} for each key not applied
 */
public record LoraMatch(String origin, List<LoraPatch> patches, List<String> notLoaded) {

    /** One line for the log: how many patches apply, how many keys do not, and a few of them. */
    public String summary() {
        String line = origin + ": " + patches.size() + " tensor(s) patched";
        if (notLoaded.isEmpty()) return line;
        return line + ", " + notLoaded.size() + " key(s) not loaded, e.g. " + notLoaded.subList(0, Math.min(5, notLoaded.size()));
    }
}
