package org.jcomfy.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PSNR, SSIM and MSE as the cache search reports them, on frames whose answers are known. */
class FrameMetricsTest {

    private static BufferedImage filled(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return img;
    }

    private static BufferedImage noise(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        return img;
    }

    @Test
    void identical_frames_have_infinite_psnr_and_ssim_one() {
        List<BufferedImage> frames = List.of(noise(32, 24, 1), noise(32, 24, 2));
        assertEquals(Double.POSITIVE_INFINITY, FrameMetrics.psnr(frames, frames));
        assertEquals(1.0, FrameMetrics.ssim(frames, frames), 1e-12);
    }

    @Test
    void psnr_of_a_difference_of_one_in_every_value_is_10_log10_of_255_squared() {
        double psnr = FrameMetrics.psnr(List.of(filled(8, 8, 0x646464)), List.of(filled(8, 8, 0x656565)));
        assertEquals(10 * Math.log10(255.0 * 255.0), psnr, 1e-9);
    }

    @Test
    void psnr_averages_the_squared_error_over_all_frames_before_the_log() {
        // Frame 1 identical, frame 2 off by 2 in every value: MSE = (0 + 4) / 2 = 2.
        List<BufferedImage> a = List.of(filled(4, 4, 0x101010), filled(4, 4, 0x202020));
        List<BufferedImage> b = List.of(filled(4, 4, 0x101010), filled(4, 4, 0x222222));
        assertEquals(10 * Math.log10(255.0 * 255.0 / 2), FrameMetrics.psnr(a, b), 1e-9);
    }

    @Test
    void ssim_of_two_flat_frames_is_the_luminance_term_alone() {
        // No variance: SSIM = (2ab + C1) / (a² + b² + C1) with C1 = (0.01·255)².
        double a = 100, b = 120, c1 = Math.pow(0.01 * 255, 2);
        double ssim = FrameMetrics.ssim(List.of(filled(16, 16, 0x646464)), List.of(filled(16, 16, 0x787878)));
        assertEquals((2 * a * b + c1) / (a * a + b * b + c1), ssim, 1e-9);
    }

    @Test
    void ssim_falls_with_more_noise_and_is_symmetric() {
        BufferedImage clean = noise(40, 40, 7);
        BufferedImage slightly = perturbed(clean, 4, 11), heavily = perturbed(clean, 60, 12);
        double s1 = FrameMetrics.ssim(List.of(slightly), List.of(clean)), s2 = FrameMetrics.ssim(List.of(heavily), List.of(clean));
        assertTrue(s1 < 1 && s2 < s1, s1 + " " + s2);
        assertEquals(s1, FrameMetrics.ssim(List.of(clean), List.of(slightly)), 1e-12);
    }

    @Test
    void frames_smaller_than_the_window_are_still_compared() {
        double ssim = FrameMetrics.ssim(List.of(noise(5, 3, 1)), List.of(noise(5, 3, 2)));
        assertTrue(ssim > -1 && ssim < 1, Double.toString(ssim));
    }

    @Test
    void different_frame_counts_or_sizes_are_refused() {
        assertThrows(IllegalArgumentException.class, () -> FrameMetrics.psnr(List.of(noise(4, 4, 1)), List.of()));
        assertThrows(IllegalArgumentException.class, () -> FrameMetrics.ssim(List.of(noise(4, 4, 1)), List.of(noise(4, 5, 1))));
    }

    @Test
    void mse_is_the_mean_squared_difference() {
        assertEquals((1 + 4 + 0) / 3.0, FrameMetrics.mse(new float[] {1, 2, 3}, new float[] {0, 0, 3}), 1e-12);
        assertEquals(0, FrameMetrics.mse(new float[] {1.5f}, new float[] {1.5f}));
    }

    private static BufferedImage perturbed(BufferedImage img, int amplitude, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y), q = 0;
                for (int shift = 0; shift <= 16; shift += 8) {
                    int v = Math.clamp(((p >> shift) & 0xff) + r.nextInt(-amplitude, amplitude + 1), 0, 255);
                    q |= v << shift;
                }
                out.setRGB(x, y, q);
            }
        }
        return out;
    }
}
