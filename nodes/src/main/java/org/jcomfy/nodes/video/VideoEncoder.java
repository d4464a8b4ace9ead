package org.jcomfy.nodes.video;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Encodes IMAGE frames into a video file with FFmpeg (through JavaCV's recorder). Frames are
 * quantised as ComfyUI does: {@code uint8(clamp(255·x, 0, 255))}, truncating.
 */
public final class VideoEncoder {
    static {
        // FFmpeg prints every stream it opens; keep the server log for what matters.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private VideoEncoder() {}

    /** True when this FFmpeg build has the named encoder (the LGPL build lacks libx264). */
    public static boolean hasEncoder(String name) {
        return avcodec.avcodec_find_encoder_by_name(name) != null;
    }

    public static void encode(Tensor frames, double fps, VideoFormat format, Map<String, String> metadata, Path out)
            throws Exception {
        if (frames.rank() != 4 || frames.dim(3) != 3) {
            throw new IllegalArgumentException("expected IMAGE frames [N, H, W, 3], got " + frames);
        }
        if (!hasEncoder(format.encoder())) {
            throw new IllegalStateException("this FFmpeg build has no '" + format.encoder() + "' encoder"
                    + ("libx264".equals(format.encoder())
                        ? " (H.264 needs the GPL build of FFmpeg: build jcomfy with -Dffmpeg.classifier=linux-x86_64-gpl)"
                        : ""));
        }
        int n = (int) frames.dim(0), h = (int) frames.dim(1), w = (int) frames.dim(2);
        boolean yuv420 = format.pixelFormat() == avutil.AV_PIX_FMT_YUV420P || format.pixelFormat() == avutil.AV_PIX_FMT_YUV420P10LE;
        if (yuv420 && (w % 2 != 0 || h % 2 != 0)) {
            throw new IllegalArgumentException(format.encoder() + " with 4:2:0 chroma needs an even width and height, got " + w + "x" + h);
        }
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), w, h, 0)) {
            recorder.setFormat(format.container());
            recorder.setVideoCodecName(format.encoder());
            recorder.setPixelFormat(format.pixelFormat());
            recorder.setFrameRate(Math.round(fps * 1000) / 1000.0);
            recorder.setVideoBitrate(0);
            recorder.setGopSize(Math.max(1, (int) Math.round(fps * 10)));
            format.codecOptions().forEach(recorder::setVideoOption);
            format.muxerOptions().forEach(recorder::setOption);
            metadata.forEach(recorder::setMetadata);
            recorder.start();
            Frame frame = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
            ByteBuffer pixels = (ByteBuffer) frame.image[0];
            MemorySegment src = frames.toF32().data();
            long frameFloats = (long) h * w * 3;
            for (int i = 0; i < n; i++) {
                pixels.clear();
                for (int y = 0; y < h; y++) {
                    int row = y * frame.imageStride;
                    for (int x = 0; x < w * 3; x++) {
                        float v = src.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i * frameFloats + (long) y * w * 3 + x);
                        pixels.put(row + x, (byte) (int) Math.max(0f, Math.min(255f, v * 255f)));
                    }
                }
                recorder.record(frame, avutil.AV_PIX_FMT_RGB24);
            }
            recorder.stop();
        }
    }
}
