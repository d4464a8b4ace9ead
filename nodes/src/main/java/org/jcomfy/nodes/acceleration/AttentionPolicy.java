package org.jcomfy.nodes.acceleration;

import java.util.Objects;
import org.jcomfy.backend.attention.AttentionSelector;

/**
 * The attention a MODEL runs with: the device's default, or a selector an {@code AttentionSelect}
 * node made for this model. The selector remembers its choice per shape, so a model keeps its
 * measured choices for as long as the node's output is cached, and two models never share them.
 *
 * @param setting  the node's {@code mode} input ({@code auto-runtime}, {@code static}, an
 *                 implementation's name), or {@code device}
 * @param selector the selector, or null for the device's default
 */
public record AttentionPolicy(String setting, AttentionSelector selector) {
    /** No AttentionSelect node: the device's own attention kernel. */
    public static final AttentionPolicy DEVICE = new AttentionPolicy("device", null);

    public AttentionPolicy {
        Objects.requireNonNull(setting, "setting");
    }
}
