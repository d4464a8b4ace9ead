package org.jcomfy.nodes.models;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;

/**
 * Receives named intermediates of a forward pass (the DiT, the UMT5 encoder, the VAE), under the
 * names of the golden activations ({@code patch_tokens}, {@code block0_norm1_out},
 * {@code dec_conv1_out}, ...), so a failing golden comparison says which step diverged.
 *
 * <p>It stays out of the forward's way: a model takes one as an optional last argument,
 * {@link #NONE} by default, and each named step is a one-line {@link #record}. Nothing else in
 * the forward depends on it: what a recorder receives is a copy that belongs to no
 * {@link TensorScope}, so the forward frees its temporaries exactly as it does without one, and
 * a value that costs work to produce (a layout copy) is given as a supplier that only runs when
 * {@link #wants} says yes.
 */
public interface ActivationRecorder {

    /** Records nothing; the default for real runs. */
    ActivationRecorder NONE = new ActivationRecorder() {
        @Override public boolean wants(String name) { return false; }
        @Override public void accept(String name, Tensor value) { }
    };

    /** Every intermediate into {@code into}, the last value of a name winning (tests, small models). */
    static ActivationRecorder into(Map<String, Tensor> into) {
        return of(into::put);
    }

    /** Every intermediate to {@code sink}, in the order the forward produces them (e.g. once per VAE chunk). */
    static ActivationRecorder of(BiConsumer<String, Tensor> sink) {
        return new ActivationRecorder() {
            @Override public boolean wants(String name) { return true; }
            @Override public void accept(String name, Tensor value) { sink.accept(name, value); }
        };
    }

    /** Whether {@code name} is to be recorded; when not, {@link #record} costs nothing. */
    boolean wants(String name);

    /** Takes a recorded value: a copy of the forward's tensor, owned by no scope, the recorder's to keep. */
    void accept(String name, Tensor value);

    /** Called by the forward at a named step. */
    default void record(String name, Tensor value) {
        if (wants(name)) accept(name, TensorScope.detached(value));
    }

    /** As {@link #record(String, Tensor)}, computing the value only when it is wanted. */
    default void record(String name, Supplier<Tensor> value) {
        if (wants(name)) accept(name, TensorScope.detached(value.get()));
    }
}
