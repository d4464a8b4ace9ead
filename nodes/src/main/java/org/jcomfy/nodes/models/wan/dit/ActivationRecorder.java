package org.jcomfy.nodes.models.wan.dit;

import org.jcomfy.backend.tensor.Tensor;

/**
 * Receives named intermediates of a forward pass, named as the golden activations of
 * {@code testdata/golden/wan-tiny} ({@code patch_tokens}, {@code block0_q_rope}, ...), so a
 * failing comparison says which step diverged. The model only computes a value for the
 * recorder (a layout copy, say) when {@link #wants} says yes.
 */
public interface ActivationRecorder {

    /** Records nothing; the default for real runs. */
    ActivationRecorder NONE = new ActivationRecorder() {
        @Override public boolean wants(String name) { return false; }
        @Override public void record(String name, Tensor value) { }
    };

    /** Records every intermediate into {@code into} (tests, small models). */
    static ActivationRecorder into(java.util.Map<String, Tensor> into) {
        return new ActivationRecorder() {
            @Override public boolean wants(String name) { return true; }
            @Override public void record(String name, Tensor value) { into.put(name, value); }
        };
    }

    boolean wants(String name);

    void record(String name, Tensor value);
}
