/**
 * Flow-matching sampling as ComfyUI runs it for Wan, independent of any model code.
 *
 * <p>Reading order: {@link org.jcomfy.nodes.sampling.FlowModelSampling} (sigma ↔ timestep, noise scaling),
 * {@link org.jcomfy.nodes.sampling.Schedulers} (step count → sigmas), {@link org.jcomfy.nodes.sampling.Samplers}
 * (name → algorithm; each algorithm family in its own class, driven through a
 * {@link org.jcomfy.nodes.sampling.SamplingTask} and a {@link org.jcomfy.nodes.sampling.Denoiser}),
 * {@link org.jcomfy.nodes.sampling.Cfg} (guidance) and {@link org.jcomfy.nodes.sampling.KSamplerRun}, which
 * strings them together like ComfyUI's {@code common_ksampler}. {@link org.jcomfy.nodes.sampling.TorchGenerator}
 * and {@link org.jcomfy.nodes.sampling.Noise} give the same noise as ComfyUI for the same seed.
 *
 * <p>The official Wan2.1 solvers ({@code wan_unipc}, {@code wan_dpmpp} with {@link
 * org.jcomfy.nodes.sampling.WanSchedules}) are here for parity with the reference implementation's goldens.
 */
package org.jcomfy.nodes.sampling;
