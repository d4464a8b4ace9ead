package org.jcomfy.nodes.models.wan.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WanVaePixelsTest {
    final Kernels k = Devices.cpu().kernels();

    @Test
    void images_are_centre_cropped_to_multiples_of_8_and_mapped_to_minus_one_one() {
        // 2 frames of 19x10: rows 1..16 and columns 1..8 survive ((19 mod 8)/2 = 1, (10 mod 8)/2 = 1)
        float[] v = new float[2 * 19 * 10 * 3];
        for (int i = 0; i < v.length; i++) v[i] = (i % 97) / 96f;
        Tensor images = Tensor.of(v, 2, 19, 10, 3);
        Tensor video = WanVaePixels.videoFromImages(images, k);
        assertArrayEquals(new long[] {3, 2, 16, 8}, video.shape());
        // video[c=2, t=1, y=0, x=0] is image[1, 1, 1, 2]
        float pixel = images.getFloat(((1L * 19 + 1) * 10 + 1) * 3 + 2);
        assertEquals(2 * pixel - 1, video.getFloat(((2L * 2 + 1) * 16) * 8), 1e-6);
    }

    @Test
    void decoded_video_becomes_clamped_channels_last_frames() {
        Tensor video = Tensor.of(new float[] {-2f, -1f, 0f, 0.5f, 1f, 3f}, 3, 1, 1, 2);
        Tensor images = WanVaePixels.imagesFromVideo(video, k);
        assertArrayEquals(new long[] {1, 1, 2, 3}, images.shape());
        // pixel 0 takes (r, g, b) = video[0..2][0] = (-2, 0, 1); pixel 1 = (-1, 0.5, 3)
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 0f, 0.75f, 1f}, images.toFloatArray(), 1e-6f);
    }
}
