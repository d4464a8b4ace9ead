package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jcomfy.server.http.Json;

/**
 * One run of the cache search and how it compared with the uncached baseline. {@code seconds} is
 * the samplers' time; the quality figures are null where there was nothing to compare (no decoded
 * frames) and everything but the setting is null when the run failed, with {@code error} saying why.
 *
 * @param role      {@code baseline}, {@code control} or {@code search}
 * @param setting   the cache node's setting (null for the baseline)
 * @param psnr      dB over the decoded frames, {@link Double#POSITIVE_INFINITY} for identical frames
 * @param latentMse mean squared error of the final latent(s) against the baseline's
 * @param latents   the files the run's latents were saved to ({@code output/...})
 * @param report    the {@code jcomfy.cache_report} the sampler sent, or null
 */
record SearchRow(String role, CacheSetting setting, Double seconds, Double speedup, Double psnr, Double ssim,
                 Double latentMse, List<String> latents, JsonNode report, String error) {

    static SearchRow failed(String role, CacheSetting setting, String error) {
        return new SearchRow(role, setting, null, null, null, null, null, List.of(), null, error);
    }

    boolean ok() { return error == null; }

    String label() { return setting == null ? "uncached" : setting.label(); }

    SearchRow withSpeedup(double referenceSeconds) {
        Double s = seconds == null || seconds <= 0 ? null : referenceSeconds / seconds;
        return new SearchRow(role, setting, seconds, s, psnr, ssim, latentMse, latents, report, error);
    }

    /** Whether its frames are at least {@code minPsnr} dB (true when there are no frames to judge). */
    boolean meetsPsnr(double minPsnr) { return ok() && (psnr == null || psnr >= minPsnr); }

    boolean reaches(double targetSpeedup) { return ok() && speedup != null && speedup >= targetSpeedup; }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("role", role);
        o.put("setting", label());
        if (setting != null) {
            o.put("node", setting.classType());
            o.set("knobs", Json.MAPPER.valueToTree(setting.knobs()));
        }
        putNumber(o, "seconds", seconds);
        putNumber(o, "speedup", speedup);
        putNumber(o, "psnr_db", psnr);
        putNumber(o, "ssim", ssim);
        putNumber(o, "latent_mse", latentMse);
        o.set("latents", Json.MAPPER.valueToTree(latents));
        if (report != null) o.set("cache_report", report);
        if (error != null) o.put("error", error);
        return o;
    }

    /** JSON has no infinity: identical frames' PSNR is written as the string {@code "Infinity"}. */
    private static void putNumber(ObjectNode o, String key, Double v) {
        if (v == null) o.putNull(key);
        else if (v.isInfinite()) o.put(key, v > 0 ? "Infinity" : "-Infinity");
        else o.put(key, v);
    }
}
