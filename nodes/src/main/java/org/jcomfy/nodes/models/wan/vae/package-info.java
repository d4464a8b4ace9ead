/**
 * The Wan2.1 video VAE (spec {@code WAN-MODEL.md} §3, ComfyUI behaviour in {@code WAN-IN-COMFY.md}
 * §5 and §8). Reading order:
 *
 * <ul>
 *   <li>{@link org.jcomfy.nodes.models.wan.vae.WanVaeConfig}: the architecture, detected from
 *       tensor shapes (base width 96 for the released model).</li>
 *   <li>{@link org.jcomfy.nodes.models.wan.vae.WanVaeWeights}: every tensor as records, and the
 *       one key-mapping function (official {@code Wan2.1_VAE.pth} = ComfyUI
 *       {@code wan_2.1_vae.safetensors} names), with strict key/shape checks.</li>
 *   <li>{@code WanVaeBlocks}: CausalConv3d, RMS_norm, ResidualBlock, AttentionBlock, Resample,
 *       each one method of kernel calls; {@code FeatureCache}: the per-layer time history that
 *       lets the model stream chunk by chunk.</li>
 *   <li>{@link org.jcomfy.nodes.models.wan.vae.WanVae}: chunked causal decode and encode on raw
 *       (ComfyUI LATENT) latents; {@link org.jcomfy.nodes.models.wan.vae.WanLatentScaling}: the
 *       latent mean/std normalisation; {@link org.jcomfy.nodes.models.wan.vae.WanVaePixels}:
 *       IMAGE ↔ video conversions.</li>
 *   <li>{@link org.jcomfy.nodes.models.wan.vae.WanVaeTiledDecode}: {@code VAEDecodeTiled}'s
 *       tiling and blending.</li>
 *   <li>{@link org.jcomfy.nodes.models.wan.vae.VaeTensorsCommand} ({@code ./jcomfy tensors
 *       vae-decode|vae-encode}) and {@link org.jcomfy.nodes.models.wan.vae.DemoVaeWeights}
 *       (seeded demo checkpoints).</li>
 * </ul>
 *
 * All math goes through {@link org.jcomfy.backend.kernels.Kernels}; the golden test
 * ({@code testdata/golden/wanvae-tiny}) checks every recorded intermediate at relative L2 ≤ 1e-5.
 */
package org.jcomfy.nodes.models.wan.vae;
