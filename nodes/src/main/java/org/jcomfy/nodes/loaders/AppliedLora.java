package org.jcomfy.nodes.loaders;

import org.jcomfy.nodes.files.FileStamp;
import org.jcomfy.nodes.lora.LoraMatch;

/**
 * One LoRA on a MODEL: the file (as listed, and its stamp when read), the strength, and what it
 * patches in that model.
 */
record AppliedLora(String label, FileStamp stamp, double strength, LoraMatch match) {

    /** Names the LoRA and strength in the shared cache's key: equal stacks share one patched model. */
    String describe() {
        return label + "@" + strength;
    }
}
