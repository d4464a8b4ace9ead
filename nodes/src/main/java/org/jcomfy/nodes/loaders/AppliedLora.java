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

    /** Every patch of every LoRA of {@code stack} with its LoRA's strength, in stack order. */
    static java.util.List<org.jcomfy.nodes.lora.LoraPatch.Weighted> weighted(java.util.List<AppliedLora> stack) {
        java.util.List<org.jcomfy.nodes.lora.LoraPatch.Weighted> all = new java.util.ArrayList<>();
        for (AppliedLora l : stack) for (var p : l.match().patches()) all.add(new org.jcomfy.nodes.lora.LoraPatch.Weighted(p, l.strength()));
        return all;
    }
}
