package org.jcomfy.nodes.models.wan.weights;

/** A checkpoint that does not fit the model: missing, unexpected or mis-shaped tensors. */
public final class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }
}
