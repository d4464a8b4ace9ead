package org.jcomfy.nodes.video;

import java.util.Map;

/**
 * One way of writing frames to a file with FFmpeg: container, encoder, pixel format and
 * options. The constants mirror what ComfyUI's nodes ask PyAV / Pillow for.
 *
 * @param container     FFmpeg muxer name (webm, mp4, webp, apng)
 * @param encoder       FFmpeg encoder name (libvpx-vp9, libsvtav1, libx264, libwebp_anim, apng)
 * @param pixelFormat   an {@code AV_PIX_FMT_*} constant the encoder is given
 * @param codecOptions  encoder options (crf, lossless, quality, ...)
 * @param muxerOptions  container options (movflags, loop, plays, ...)
 */
public record VideoFormat(String container, String encoder, String extension, int pixelFormat,
                          Map<String, String> codecOptions, Map<String, String> muxerOptions) {}
