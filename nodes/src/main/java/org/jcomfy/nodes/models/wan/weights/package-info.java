/**
 * Reading model weights by model-relative key with shape checks: prefix stripping as ComfyUI
 * does, fp8 {@code scale_weight} lookup, and "unexpected key" detection
 * ({@link org.jcomfy.nodes.models.wan.weights.WeightSource}); a shape-only reader lists a
 * model's expected keys from the same mapping code
 * ({@link org.jcomfy.nodes.models.wan.weights.ShapeRecorder}).
 */
package org.jcomfy.nodes.models.wan.weights;
