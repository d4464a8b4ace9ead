/**
 * LoRA files for the Wan DiT and its UMT5 text encoder, as ComfyUI applies them: {@link
 * org.jcomfy.nodes.lora.LoraFile} reads a file and groups its keys by module,
 * {@link org.jcomfy.nodes.lora.LoraKeys} names the model's modules the ways LoRA trainers write
 * them, {@link org.jcomfy.nodes.lora.LoraMatch} is what one file does to one model (patches, and
 * the keys it cannot apply with their reasons), and {@link org.jcomfy.nodes.lora.LoraPatch} is the
 * arithmetic. The nodes and the shared patched models live in {@code loaders}.
 */
package org.jcomfy.nodes.lora;
