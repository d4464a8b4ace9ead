package org.jcomfy.nodes.video;

import org.jcomfy.backend.tensor.Tensor;

/**
 * ComfyUI's VIDEO value: frames not yet encoded, with their rate.
 *
 * @param frames IMAGE tensor {@code [N, H, W, 3]}, float in 0..1
 * @param fps    frames per second
 */
public record Video(Tensor frames, double fps) {
    public long frameCount() { return frames.dim(0); }
    public long height() { return frames.dim(1); }
    public long width() { return frames.dim(2); }
}
