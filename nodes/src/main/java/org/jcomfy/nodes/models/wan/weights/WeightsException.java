package org.jcomfy.nodes.models.wan.weights;

/**
 * A checkpoint that does not fit the model: missing, unexpected or mis-shaped tensors. An
 * {@link IllegalArgumentException}, like the other "this file is not that model" errors of detection.
 */
public final class WeightsException extends IllegalArgumentException {
    public WeightsException(String message) {
        super(message);
    }
}
