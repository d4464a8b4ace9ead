package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.server.cli.HeadlessServer.Event;
import org.jcomfy.server.cli.HeadlessServer.PromptRun;

/**
 * Runs the search's prompts one by one and measures each against the first, the uncached
 * baseline: the samplers' seconds (from {@code executing} of a sampler to the next
 * {@code executing} on the WebSocket), PSNR and SSIM of the decoded frames ({@link FrameMetrics})
 * and the MSE of the final latents. A run that is rejected or fails becomes a row with its error.
 */
final class CacheRuns {
    private final HeadlessServer server;
    private final SearchPrompt prompt;
    private int done;
    private String planned = "?";
    private List<BufferedImage> referenceFrames;
    private float[] referenceLatent;

    CacheRuns(HeadlessServer server, SearchPrompt prompt) {
        this.server = server;
        this.prompt = prompt;
    }

    /** What the progress bar shows as the number of runs ("12", or "at most 26" while the plan is open). */
    void planned(String runs) { planned = runs; }

    int done() { return done; }

    /** The uncached workflow; its outputs become the reference of every later row. */
    SearchRow baseline() throws InterruptedException {
        return run("baseline", null);
    }

    SearchRow measure(String role, CacheSetting setting) throws InterruptedException {
        if (referenceLatent == null) throw new IllegalStateException("no baseline yet");
        return run(role, setting);
    }

    private SearchRow run(String role, CacheSetting setting) throws InterruptedException {
        done++;
        String label = "run " + done + "/" + planned + " " + (setting == null ? "uncached" : setting.label()) + ": ";
        PromptRun run;
        try {
            run = server.run(setting == null ? prompt.uncached() : prompt.cached(setting.classType(), setting.knobs()),
                    null, label, e -> { });
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return SearchRow.failed(role, setting, "could not run: " + e.getMessage());
        }
        if (!run.succeeded()) return SearchRow.failed(role, setting, run.error());
        Double seconds = samplerSeconds(run.events(), Set.copyOf(prompt.samplers()));
        if (seconds == null) {
            return SearchRow.failed(role, setting, "no sampler ran: its output came from the server's cache (a setting run twice?)");
        }
        try {
            List<BufferedImage> frames = new ArrayList<>();
            for (JsonNode f : outputs(run, prompt.frameProbes(), "images")) {
                frames.add(ImageIO.read(new ByteArrayInputStream(server.view(f))));
            }
            List<String> latentFiles = new ArrayList<>();
            List<float[]> parts = new ArrayList<>();
            for (JsonNode f : outputs(run, prompt.latentProbes(), "latents")) {
                latentFiles.add(HeadlessServer.shownPath(f));
                parts.add(latentValues(server.view(f)));
            }
            float[] latent = concat(parts);
            JsonNode report = run.events().stream().filter(e -> e.type().equals("jcomfy.cache_report")).map(Event::data)
                    .findFirst().orElse(null);
            if (setting == null) {
                referenceFrames = frames;
                referenceLatent = latent;
                return new SearchRow(role, null, seconds, null, null, null, null, latentFiles, report, null);
            }
            Double psnr = frames.isEmpty() ? null : FrameMetrics.psnr(frames, referenceFrames);
            Double ssim = frames.isEmpty() ? null : FrameMetrics.ssim(frames, referenceFrames);
            return new SearchRow(role, setting, seconds, null, psnr, ssim, FrameMetrics.mse(latent, referenceLatent),
                    latentFiles, report, null);
        } catch (IOException | IllegalArgumentException e) {
            return SearchRow.failed(role, setting, "could not compare its outputs: " + e.getMessage());
        }
    }

    /** The samplers' time: each from its {@code executing} message to the next one; null when none ran. */
    static Double samplerSeconds(List<Event> events, Set<String> samplers) {
        long total = 0;
        boolean any = false;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (!e.type().equals("executing") || !samplers.contains(e.data().path("node").asText(""))) continue;
            for (int j = i + 1; j < events.size(); j++) {
                if (events.get(j).type().equals("executing")) {
                    total += events.get(j).nanos() - e.nanos();
                    any = true;
                    break;
                }
            }
        }
        return any ? total / 1e9 : null;
    }

    /** The files the probes reported, in probe order. */
    private static List<JsonNode> outputs(PromptRun run, List<String> probes, String key) {
        List<JsonNode> files = new ArrayList<>();
        for (String probe : probes) {
            for (Event e : run.events()) {
                if (e.type().equals("executed") && e.data().path("node").asText().equals(probe)) {
                    e.data().path("output").path(key).forEach(files::add);
                }
            }
        }
        return files;
    }

    /** The {@code latent_tensor} of a SaveLatent file, as floats. */
    private static float[] latentValues(byte[] file) throws IOException {
        Path tmp = Files.createTempFile("jcomfy-cache-search-", ".latent");
        try {
            Files.write(tmp, file);
            try (SafeTensorsFile f = SafeTensorsFile.open(tmp)) {
                if (!f.contains("latent_tensor")) throw new IOException("a .latent file without latent_tensor");
                return f.tensor("latent_tensor").toFloatArray();
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
