/**
 * The Wan2.1 diffusion transformer (spec/WAN-MODEL.md §1, spec/WAN-IN-COMFY.md §2-4).
 *
 * <p>Reading order: {@link org.jcomfy.nodes.models.wan.dit.WanConfig} (sizes, detected from
 * tensor shapes as ComfyUI does), {@link org.jcomfy.nodes.models.wan.dit.WanWeights} (one field
 * per checkpoint tensor and the single key-mapping function),
 * {@link org.jcomfy.nodes.models.wan.dit.WanModel} (the forward pass as named kernel calls),
 * {@link org.jcomfy.nodes.models.wan.dit.WanDit} (open a file: detect, map, build).
 * Tools: {@link org.jcomfy.nodes.models.wan.dit.DitTensorsCommand} ({@code ./jcomfy tensors dit}),
 * {@link org.jcomfy.nodes.models.wan.dit.WanDitBenchmark} with
 * {@link org.jcomfy.nodes.models.wan.dit.TimedKernels}.
 */
package org.jcomfy.nodes.models.wan.dit;
