package org.jcomfy.server.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.workflow.UiWorkflowConverter;
import org.jcomfy.server.TestServer;
import org.jcomfy.server.TestWebSocket;
import org.jcomfy.server.http.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The demo workflow with the trained demo models makes the video its prompt asks for: one shape
 * that moves the caption's way, with the caption's colour and outline. Judged on the decoded
 * frames fetched back through /view, for captions covering every colour, shape and direction the
 * model was trained on (tools/DEMO-MODEL.md), with a table of what each caption gave. Random
 * weights fail every check (all captions then give the same frames).
 */
class TrainedDemoModelTest {
    private static final Path DEMO = Path.of(System.getProperty("jcomfy.testdata")).resolveSibling("workflows")
            .resolve("text_to_video_demo.json");
    private static final List<String> CAPTIONS = List.of(
            "a red circle moving right on a black background",
            "a green square moving up on a black background",
            "a blue triangle moving left on a black background",
            "a green circle moving down on a black background",
            "a blue square moving right on a black background",
            "a red triangle moving up on a black background");
    private static final int FRAMES = 9;

    /** Each caption's frames, judged once for both tests. */
    private static final Map<String, ShapeTrack> TRACKS = new LinkedHashMap<>();

    @BeforeAll
    static void runTheDemoWorkflowForEachCaption() throws Exception {
        try (TestServer server = TestServer.start(); TestWebSocket ws = server.connect("trained")) {
            DemoModels.ensure(server.base.resolve("models"), System.out);
            ObjectNode workflow = new UiWorkflowConverter(NodeRegistry.load())
                    .convert(Json.MAPPER.readTree(DEMO.toFile()));
            // Frames as PNGs next to the workflow's own video outputs, so they can be read back exactly.
            ObjectNode save = workflow.putObject("900");
            save.put("class_type", "SaveImage");
            save.putObject("inputs").put("filename_prefix", "trained").putArray("images").add("8").add(0);
            for (String caption : CAPTIONS) {
                ((ObjectNode) workflow.get("6").get("inputs")).put("text", caption);
                String id = server.submit(workflow.toString(), "trained");
                List<JsonNode> events = ws.untilDone(id);
                assertTrue(TestWebSocket.types(events).contains("execution_success"), events.toString());
                JsonNode images = server.awaitHistory(id).path("outputs").path("900").path("images");
                assertEquals(FRAMES, images.size(), images.toString());
                List<BufferedImage> frames = new ArrayList<>();
                for (JsonNode image : images) {
                    byte[] png = server.getBytes("/view?type=output&filename="
                            + URLEncoder.encode(image.get("filename").asText(), StandardCharsets.UTF_8)
                            + "&subfolder=" + URLEncoder.encode(image.get("subfolder").asText(), StandardCharsets.UTF_8)).body();
                    frames.add(ImageIO.read(new ByteArrayInputStream(png)));
                }
                ShapeTrack track = ShapeTrack.of(frames);
                TRACKS.put(caption, track);
                System.out.printf("%-50s %s  motion: %s  appearance: %s%n", caption, track,
                        orOk(track.judgeMotion(caption)), orOk(track.judgeAppearance(caption)));
            }
        }
    }

    @Test
    void the_demo_workflow_moves_one_shape_the_way_its_prompt_says() {
        List<String> failures = new ArrayList<>();
        TRACKS.forEach((caption, track) -> {
            String verdict = track.judgeMotion(caption);
            if (!verdict.isEmpty()) failures.add(caption + ": " + verdict + " (" + track + ")");
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    @Disabled("the shipped demo VAE reconstructs every shape as a grey blob of the right size and place "
            + "(tools/DEMO-MODEL.md), so the DiT cannot learn colour or outline from its latents yet (issue 10)")
    void the_demo_workflow_draws_the_colour_and_outline_its_prompt_names() {
        List<String> failures = new ArrayList<>();
        TRACKS.forEach((caption, track) -> {
            String verdict = track.judgeAppearance(caption);
            if (!verdict.isEmpty()) failures.add(caption + ": " + verdict + " (" + track + ")");
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static String orOk(String verdict) { return verdict.isEmpty() ? "ok" : verdict; }

    /**
     * What the frames show: the mean colour of the pixels brighter than the black background, the
     * path of their centroid, and how much of their bounding box they fill (a square fills all of
     * it, a circle pi/4, the training world's triangle half).
     */
    record ShapeTrack(double[] rgb, double dx, double dy, double fill, double coverage) {
        /** Pixels whose brightest channel is above this are the shape (background: 0.05). */
        private static final double FOREGROUND = 0.3;

        static ShapeTrack of(List<BufferedImage> frames) {
            double[] rgb = new double[3];
            double fillSum = 0, area = 0;
            double[] cx = new double[frames.size()], cy = new double[frames.size()];
            for (int f = 0; f < frames.size(); f++) {
                BufferedImage img = frames.get(f);
                double n = 0, sx = 0, sy = 0;
                int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        int p = img.getRGB(x, y);
                        double r = (p >> 16 & 255) / 255.0, g = (p >> 8 & 255) / 255.0, b = (p & 255) / 255.0;
                        if (Math.max(r, Math.max(g, b)) < FOREGROUND) continue;
                        rgb[0] += r; rgb[1] += g; rgb[2] += b;
                        n++; sx += x; sy += y;
                        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
                    }
                }
                cx[f] = n == 0 ? Double.NaN : sx / n;
                cy[f] = n == 0 ? Double.NaN : sy / n;
                if (n > 0) fillSum += n / ((double) (x1 - x0 + 1) * (y1 - y0 + 1));
                area += n;
            }
            for (int c = 0; c < 3; c++) rgb[c] /= Math.max(area, 1);
            int last = frames.size() - 1;
            double pixels = frames.get(0).getWidth() * frames.get(0).getHeight();
            return new ShapeTrack(rgb, cx[last] - cx[0], cy[last] - cy[0], fillSum / frames.size(),
                    area / frames.size() / pixels);
        }

        /** Empty when one shape of the right size moves the caption's way; otherwise what does not. */
        String judgeMotion(String caption) {
            String motion = caption.split(" ")[4];
            List<String> wrong = new ArrayList<>();
            // The shape covers ~3-6 % of the frame (radius 9 of 64); noise or an empty frame does not.
            if (coverage < 0.02 || coverage > 0.2) wrong.add("coverage " + fmt(coverage));
            // The training world moves the shape 24 px over 9 frames and none across: ask for half of
            // that travel, mostly the captioned way (across at most a third of along: within ~18 degrees).
            double along = switch (motion) { case "right" -> dx; case "left" -> -dx; case "down" -> dy; default -> -dy; };
            double across = motion.equals("right") || motion.equals("left") ? dy : dx;
            if (!(along >= 12)) wrong.add("moved " + fmt(along) + " px " + motion);
            if (!(Math.abs(across) <= along / 3)) wrong.add("drifted " + fmt(across) + " px across");
            return String.join(", ", wrong);
        }

        /**
         * Empty when the shape has the caption's colour (its brightest channel) and outline (how
         * much of its bounding box it fills: the training world's squares fill ~1.0, circles
         * 0.73-0.80, triangles 0.53-0.59); otherwise what does not.
         */
        String judgeAppearance(String caption) {
            String[] w = caption.split(" ");
            String colour = w[1], shape = w[2];
            List<String> wrong = new ArrayList<>();
            int channel = switch (colour) { case "red" -> 0; case "green" -> 1; default -> 2; };
            for (int c = 0; c < 3; c++) {
                if (c != channel && rgb[c] >= rgb[channel]) wrong.add("not " + colour);
            }
            boolean shapeOk = switch (shape) {
                case "square" -> fill >= 0.88;
                case "circle" -> fill >= 0.68 && fill < 0.88;
                default -> fill < 0.68;
            };
            if (!shapeOk) wrong.add("fill " + fmt(fill) + " is not a " + shape + "'s");
            return String.join(", ", wrong.stream().distinct().toList());
        }

        @Override public String toString() {
            return String.format("rgb (%.2f %.2f %.2f) moved (%+.1f, %+.1f) fill %.2f coverage %.3f",
                    rgb[0], rgb[1], rgb[2], dx, dy, fill, coverage);
        }

        private static String fmt(double v) { return String.format("%.2f", v); }
    }
}
