package org.jcomfy.nodes.models.wan.vae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ProgressListener;

/**
 * Tiled decoding for {@code VAEDecodeTiled}, following ComfyUI ({@code nodes.VAEDecodeTiled},
 * {@code sd.VAE.decode_tiled_3d}, {@code utils.tiled_scale_multidim}) so the same widget values
 * give the same tiling:
 *
 * <ol>
 *   <li>Tile sizes and overlaps are given in latent cells along (T, H, W). Along each axis of
 *       latent size {@code S} the tile starts are {@code 0, step, 2·step, … < S - overlap} with
 *       {@code step = tile - overlap} (a single start 0 when {@code S ≤ tile}); each start is
 *       clamped to {@code S - overlap} and a tile is cut to {@code min(tile, S - start)} cells.</li>
 *   <li>Each tile is decoded on its own with the ordinary chunked causal decode, so a temporal
 *       tile starts its causal history afresh (its first latent frame gives one video frame).</li>
 *   <li>A tile starting at latent {@code (t, y, x)} lands at video {@code (4t, 8y, 8x)}; parts
 *       beyond the video's end are cut off.</li>
 *   <li>Tiles are blended with a separable linear feather: along each axis the first and last
 *       {@code f} samples of the tile are weighted {@code 1/f, 2/f, …, f/f}, with {@code f} the
 *       overlap in video samples ({@code 4·overlapT - 3} frames, {@code 8·overlap} pixels; no
 *       feather along an axis where {@code f} ≥ the tile's length). The video is
 *       {@code Σ tile·weight / Σ weight}.</li>
 * </ol>
 *
 * If the whole latent fits one tile this is exactly the untiled decode. Memory is one tile's
 * activations plus the output video and its weight sum.
 */
public final class WanVaeTiledDecode {
    private static final int T = 0, H = 1, W = 2;

    private WanVaeTiledDecode() {}

    /** Tile sizes and overlaps in latent cells along time, height and width. */
    public record Tiles(int t, int h, int w, int overlapT, int overlapH, int overlapW) {
        public Tiles {
            if (t < 1 || h < 1 || w < 1 || overlapT < 0 || overlapH < 0 || overlapW < 0
                    || overlapT >= t || overlapH >= h || overlapW >= w) {
                throw new IllegalArgumentException("tiles need size ≥ 1 and 0 ≤ overlap < size, got " + this);
            }
        }

        int[] size() { return new int[] {t, h, w}; }

        int[] overlap() { return new int[] {overlapT, overlapH, overlapW}; }

        /**
         * The tiling {@code VAEDecodeTiled} asks for, from its widgets: {@code tile_size} and
         * {@code overlap} in pixels, {@code temporal_size} and {@code temporal_overlap} in video
         * frames. Reproduces the node's adjustments: overlap at most a quarter of the tile,
         * temporal overlap halved if more than half the temporal size, then both converted to
         * latent units (temporal tile ≥ 2, temporal overlap in 1 .. tile/2).
         */
        public static Tiles fromNodeInputs(int tileSize, int overlap, int temporalSize, int temporalOverlap) {
            if (tileSize < overlap * 4) overlap = tileSize / 4;
            if (temporalSize < temporalOverlap * 2) temporalOverlap = temporalOverlap / 2;
            int tileT = Math.max(2, temporalSize / WanVaeConfig.TEMPORAL_FACTOR);
            int overlapT = Math.max(1, Math.min(tileT / 2, temporalOverlap / WanVaeConfig.TEMPORAL_FACTOR));
            int tile = tileSize / WanVaeConfig.SPATIAL_FACTOR;
            int over = overlap / WanVaeConfig.SPATIAL_FACTOR;
            return new Tiles(tileT, tile, tile, overlapT, over, over);
        }
    }

    /** Decodes a raw latent {@code [z, T, h, w]} tile by tile; same output shape as {@link WanVae#decode}. */
    public static Tensor decode(WanVae vae, Tensor latent, Tiles tiles) {
        return decode(vae, latent, tiles, ProgressListener.NONE);
    }

    /**
     * As {@link #decode(WanVae, Tensor, Tiles)}, calling {@code progress.progress(tile, tiles)}
     * after each tile (or after each latent frame when everything fits one tile).
     */
    public static Tensor decode(WanVae vae, Tensor latent, Tiles tiles, ProgressListener progress) {
        return decode(latent, tiles, tile -> vae.decode(tile, progress), tile -> vae.decode(tile), vae.kernels(), progress);
    }

    /**
     * The tiling and blending, with the per-tile decoder passed in ({@code [z, t, h, w] →
     * [3, 4t-3, 8h, 8w]}), so the blending can be tested with a decoder whose exact answer is known.
     */
    static Tensor decode(Tensor latent, Tiles tiles, UnaryOperator<Tensor> decodeTile, Kernels k) {
        return decode(latent, tiles, decodeTile, decodeTile, k, ProgressListener.NONE);
    }

    private static Tensor decode(Tensor latent, Tiles tiles, UnaryOperator<Tensor> decodeWhole,
                                 UnaryOperator<Tensor> decodeTile, Kernels k, ProgressListener progress) {
        long[] in = {latent.dim(1), latent.dim(2), latent.dim(3)};
        int[] size = tiles.size(), overlap = tiles.overlap();
        if (in[T] <= size[T] && in[H] <= size[H] && in[W] <= size[W]) return decodeWhole.apply(latent);

        long[] out = {videoLength(T, in[T]), videoLength(H, in[H]), videoLength(W, in[W])};
        Tensor video = Tensor.zeros(DType.F32, 3, out[T], out[H], out[W]);
        Tensor weightSum = Tensor.zeros(DType.F32, out[T], out[H], out[W]);

        List<List<Long>> starts = List.of(tileStarts(in[T], size[T], overlap[T]),
                tileStarts(in[H], size[H], overlap[H]), tileStarts(in[W], size[W], overlap[W]));
        long tileCount = (long) starts.get(T).size() * starts.get(H).size() * starts.get(W).size();
        long done = 0;
        for (long st : starts.get(T)) {
            for (long sy : starts.get(H)) {
                for (long sx : starts.get(W)) {
                    long[] start = {st, sy, sx};
                    Tensor part = latent;
                    for (int d = 0; d < 3; d++) {
                        long length = Math.min(size[d], in[d] - start[d]);
                        part = k.slice(part, d + 1, start[d], start[d] + length);
                    }
                    accumulate(decodeTile.apply(part), start, overlap, video, weightSum);
                    progress.progress(++done, tileCount);
                }
            }
        }
        divideByWeights(video, weightSum);
        return video;
    }

    /** Tile starts along one axis of latent size {@code s} (ComfyUI's {@code range} plus clamping). */
    static List<Long> tileStarts(long s, int tile, int overlap) {
        List<Long> starts = new ArrayList<>();
        if (s <= tile) {
            starts.add(0L);
            return starts;
        }
        for (long p = 0; p < s - overlap; p += tile - overlap) starts.add(Math.max(0, Math.min(s - overlap, p)));
        return starts;
    }

    /** Video samples decoded from {@code n} latent cells: {@code 4n-3} frames, {@code 8n} pixels. */
    private static long videoLength(int axis, long n) {
        return axis == T ? Math.max(0, WanVaeConfig.TEMPORAL_FACTOR * n - 3) : WanVaeConfig.SPATIAL_FACTOR * n;
    }

    /** Where latent cell {@code p} lands in the video (ComfyUI's index formula {@code (4, 8, 8)}). */
    private static long videoIndex(int axis, long p) {
        return (axis == T ? WanVaeConfig.TEMPORAL_FACTOR : WanVaeConfig.SPATIAL_FACTOR) * p;
    }

    /** The linear feather of one axis: ramps of {@code videoLength(overlap)} samples at both ends. */
    private static float[] feather(int axis, int length, int overlap) {
        float[] m = new float[length];
        Arrays.fill(m, 1f);
        int f = Math.toIntExact(Math.round((double) videoLength(axis, overlap)));
        if (f >= length) return m;
        for (int i = 0; i < f; i++) {
            float a = (float) (i + 1) / f;
            m[i] *= a;
            m[length - 1 - i] *= a;
        }
        return m;
    }

    /** Adds {@code tile · mask} and {@code mask} into the video and weight sums at the tile's place. */
    private static void accumulate(Tensor tile, long[] latentStart, int[] overlap, Tensor video, Tensor weightSum) {
        int[] len = {Math.toIntExact(tile.dim(1)), Math.toIntExact(tile.dim(2)), Math.toIntExact(tile.dim(3))};
        float[][] mask = {feather(T, len[T], overlap[T]), feather(H, len[H], overlap[H]), feather(W, len[W], overlap[W])};
        long[] at = new long[3], span = new long[3];
        long[] out = {video.dim(1), video.dim(2), video.dim(3)};
        for (int d = 0; d < 3; d++) {
            at[d] = videoIndex(d, latentStart[d]);
            span[d] = Math.min(len[d], out[d] - at[d]);
        }
        for (int c = 0; c < 3; c++) {
            for (int t = 0; t < span[T]; t++) {
                for (int y = 0; y < span[H]; y++) {
                    float my = mask[T][t] * mask[H][y];
                    long src = (((long) c * len[T] + t) * len[H] + y) * len[W];
                    long dst = (((long) c * out[T] + at[T] + t) * out[H] + at[H] + y) * out[W] + at[W];
                    for (int x = 0; x < span[W]; x++) {
                        video.setFloat(dst + x, video.getFloat(dst + x) + tile.getFloat(src + x) * (my * mask[W][x]));
                    }
                }
            }
        }
        for (int t = 0; t < span[T]; t++) {
            for (int y = 0; y < span[H]; y++) {
                long dst = ((at[T] + t) * out[H] + at[H] + y) * out[W] + at[W];
                for (int x = 0; x < span[W]; x++) {
                    weightSum.setFloat(dst + x, weightSum.getFloat(dst + x) + mask[T][t] * mask[H][y] * mask[W][x]);
                }
            }
        }
    }

    private static void divideByWeights(Tensor video, Tensor weightSum) {
        long plane = weightSum.numel();
        for (int c = 0; c < 3; c++) {
            for (long i = 0; i < plane; i++) {
                long j = c * plane + i;
                video.setFloat(j, video.getFloat(j) / weightSum.getFloat(i));
            }
        }
    }
}
