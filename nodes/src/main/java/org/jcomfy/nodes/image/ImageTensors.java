package org.jcomfy.nodes.image;

import java.awt.image.BufferedImage;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Conversions between ComfyUI's IMAGE values (float32 [B,H,W,3] in 0..1) and 8-bit pictures.
 * Saving follows ComfyUI: {@code clip(255 * x, 0, 255)} truncated to uint8, computed in float32.
 */
public final class ImageTensors {
    private ImageTensors() {}

    /** Checks the IMAGE layout and returns {batch, height, width}. */
    public static int[] batchHeightWidth(Tensor image) {
        if (image.rank() != 4 || image.dim(3) != 3) {
            throw new IllegalArgumentException("expected an IMAGE tensor [B,H,W,3], got " + image);
        }
        return new int[] {Math.toIntExact(image.dim(0)), Math.toIntExact(image.dim(1)), Math.toIntExact(image.dim(2))};
    }

    /** One 0..1 float converted the way numpy's {@code np.clip(255. * x, 0, 255).astype(np.uint8)} does. */
    public static int toByte(float x) {
        float v = 255f * x;
        if (!(v > 0f)) return 0; // also NaN
        if (v >= 255f) return 255;
        return (int) v;
    }

    /** Batch item {@code index} as an opaque RGB picture. */
    public static BufferedImage toBufferedImage(Tensor image, int index) {
        int[] bhw = batchHeightWidth(image);
        int h = bhw[1], w = bhw[2];
        float[] px = image.toF32().select(index).toFloatArray();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = toByte(px[3 * i]) << 16 | toByte(px[3 * i + 1]) << 8 | toByte(px[3 * i + 2]);
        }
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    /** A picture as a one-item IMAGE [1,H,W,3], channels divided by 255. */
    public static Tensor fromBufferedImage(BufferedImage picture) {
        int w = picture.getWidth(), h = picture.getHeight();
        int[] argb = picture.getRGB(0, 0, w, h, null, 0, w);
        float[] px = new float[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            px[3 * i] = ((argb[i] >> 16) & 0xff) / 255f;
            px[3 * i + 1] = ((argb[i] >> 8) & 0xff) / 255f;
            px[3 * i + 2] = (argb[i] & 0xff) / 255f;
        }
        return Tensor.of(px, 1, h, w, 3);
    }

    /** ComfyUI's MASK of a picture: {@code 1 - alpha} as [1,H,W], or null when it has no alpha channel. */
    public static Tensor maskFromAlpha(BufferedImage picture) {
        if (!picture.getColorModel().hasAlpha()) return null;
        int w = picture.getWidth(), h = picture.getHeight();
        int[] argb = picture.getRGB(0, 0, w, h, null, 0, w);
        float[] mask = new float[w * h];
        for (int i = 0; i < argb.length; i++) mask[i] = 1f - ((argb[i] >>> 24) & 0xff) / 255f;
        return Tensor.of(mask, 1, h, w);
    }

    /** Concatenates same-shaped tensors along the batch dimension. */
    public static Tensor concatBatch(java.util.List<Tensor> parts) {
        long[] shape = parts.getFirst().shape();
        long rows = 0;
        for (Tensor t : parts) rows += t.dim(0);
        shape[0] = rows;
        Tensor out = Tensor.zeros(DType.F32, shape);
        long offset = 0;
        for (Tensor t : parts) {
            Tensor f = t.toF32();
            java.lang.foreign.MemorySegment.copy(f.data(), 0, out.data(), offset, f.byteSize());
            offset += f.byteSize();
        }
        return out;
    }
}
