/**
 * Reading model weights by key with shape checks, shared by the DiT, the UMT5 encoder and the VAE
 * ({@link org.jcomfy.nodes.models.wan.weights.WeightSource}): strict takes, fp8 {@code scale_weight}
 * lookup, ComfyUI's prefix stripping, and "unexpected key" detection; a shape-only reader lists a
 * model's expected keys from the same mapping code
 * ({@link org.jcomfy.nodes.models.wan.weights.ShapeRecorder}).
 */
package org.jcomfy.nodes.models.wan.weights;
