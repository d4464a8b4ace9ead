package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.jcomfy.server.http.Json;

/**
 * Binary preview frames (§4.3): the image shrunk to fit the preview size and JPEG-encoded
 * (quality 95), framed as type 1 {@code [u32 1][u32 1=JPEG][bytes]} for legacy clients or type 4
 * {@code [u32 4][u32 len][metadata JSON][bytes]} for clients that negotiated preview metadata.
 */
final class PreviewFrames {
    static final int PREVIEW_IMAGE = 1;
    static final int PREVIEW_IMAGE_WITH_METADATA = 4;
    static final int JPEG = 1;
    static final int DEFAULT_MAX_SIZE = 512;

    private PreviewFrames() {}

    static byte[] jpeg(BufferedImage image, int maxSize) {
        BufferedImage rgb = fit(image, maxSize);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.95f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** An opaque RGB copy no larger than {@code maxSize} on either side (aspect ratio kept). */
    private static BufferedImage fit(BufferedImage image, int maxSize) {
        double scale = Math.min(1.0, (double) maxSize / Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale)), h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    static ByteBuffer legacy(byte[] jpeg) {
        ByteBuffer b = ByteBuffer.allocate(8 + jpeg.length);
        b.putInt(PREVIEW_IMAGE).putInt(JPEG).put(jpeg).flip();
        return b;
    }

    static ByteBuffer withMetadata(byte[] jpeg, String promptId, String nodeId) {
        ObjectNode meta = Json.object();
        meta.put("node_id", nodeId);
        meta.put("prompt_id", promptId);
        meta.put("display_node_id", nodeId);
        meta.putNull("parent_node_id");
        meta.put("real_node_id", nodeId);
        meta.put("image_type", "image/jpeg");
        byte[] json = meta.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + jpeg.length);
        b.putInt(PREVIEW_IMAGE_WITH_METADATA).putInt(json.length).put(json).put(jpeg).flip();
        return b;
    }
}
