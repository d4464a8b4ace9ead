package org.jcomfy.nodes.models.wan.dit;

/**
 * The Wan variant, as ComfyUI's {@code detect_unet_config} names it ({@code model_type}).
 * Wan 2.2's A14B image-to-video expert has 36 input channels but no CLIP image projection,
 * so it is {@link #T2V} with {@code inDim = 36}, exactly as in ComfyUI.
 */
public enum WanModelType {
    T2V("t2v"),
    /** CLIP image features through {@code img_emb}, extra image keys/values in cross-attention. */
    I2V("i2v"),
    /** First-last-frame: i2v plus {@code img_emb.emb_pos}. */
    FLF2V("flf2v"),
    VACE("vace"),
    CAMERA("camera"),
    CAMERA_2_2("camera_2.2"),
    S2V("s2v"),
    HUMO("humo"),
    ANIMATE("animate");

    private final String comfyName;

    WanModelType(String comfyName) {
        this.comfyName = comfyName;
    }

    /** The name ComfyUI and the official config.json use. */
    public String comfyName() { return comfyName; }
}
