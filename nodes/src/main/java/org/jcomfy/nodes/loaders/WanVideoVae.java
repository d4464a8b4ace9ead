package org.jcomfy.nodes.loaders;

import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ProgressListener;
import org.jcomfy.nodes.models.wan.vae.WanVae;
import org.jcomfy.nodes.models.wan.vae.WanVaeConfig;
import org.jcomfy.nodes.models.wan.vae.WanVaePixels;
import org.jcomfy.nodes.models.wan.vae.WanVaeTiledDecode;
import org.jcomfy.nodes.types.VideoVae;

/**
 * The Wan 2.1 VAE as a VAE value: batches of raw latents in, IMAGE frames in 0..1 out (each
 * sample's frames one after another, as ComfyUI flattens a video batch).
 */
final class WanVideoVae implements VideoVae {
    private final WanVae vae;
    private final Kernels k;
    private final ModelFile file;

    WanVideoVae(WanVae vae, Kernels kernels, ModelFile file) {
        this.vae = vae;
        this.k = kernels;
        this.file = file;
    }

    @Override public int latentChannels() { return vae.config().zDim(); }
    @Override public int spatialCompression() { return WanVaeConfig.SPATIAL_FACTOR; }
    @Override public int temporalCompression() { return WanVaeConfig.TEMPORAL_FACTOR; }

    @Override
    public Tensor decode(Tensor latent, ProgressListener progress) {
        return file.use(() -> perSample(latent, sample -> vae.decode(sample, progress)));
    }

    @Override
    public Tensor decodeTiled(Tensor latent, int tileSize, int overlap, int temporalSize, int temporalOverlap,
                              ProgressListener progress) {
        WanVaeTiledDecode.Tiles tiles = WanVaeTiledDecode.Tiles.fromNodeInputs(tileSize, overlap, temporalSize, temporalOverlap);
        return file.use(() -> perSample(latent, sample -> WanVaeTiledDecode.decode(vae, sample, tiles, progress)));
    }

    @Override
    public Tensor encode(Tensor images, ProgressListener progress) {
        return file.use(() -> vae.encode(WanVaePixels.videoFromImages(images, k), progress)).batchOfOne();
    }

    private Tensor perSample(Tensor latent, java.util.function.Function<Tensor, Tensor> decodeOne) {
        List<Tensor> frames = new ArrayList<>();
        for (long b = 0; b < latent.dim(0); b++) {
            frames.add(WanVaePixels.imagesFromVideo(decodeOne.apply(latent.select(b)), k));
        }
        return frames.size() == 1 ? frames.get(0) : k.concat(frames, 0);
    }
}
