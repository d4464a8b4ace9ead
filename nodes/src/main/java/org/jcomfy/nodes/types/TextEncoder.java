package org.jcomfy.nodes.types;

import org.jcomfy.backend.tensor.Tensor;

/** ComfyUI's CLIP value for Wan: tokenizer plus UMT5 encoder behind one call. */
public interface TextEncoder {
    /**
     * Encodes a prompt (with ComfyUI's {@code (text:weight)} syntax) to {@code [1, max(512, tokens), dim]},
     * padding rows zeroed.
     */
    Tensor encode(String text);
}
