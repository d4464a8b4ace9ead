package org.jcomfy.nodes.sampling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ComfyUI's sampler names (the KSampler {@code sampler_name} combo, {@code comfy.samplers.KSampler.SAMPLERS})
 * and the ones jcomfy implements. A listed name that is not implemented must be refused at validation with
 * {@link #notImplementedMessage(String)}, never run as something else.
 */
public final class Samplers {
    private Samplers() {}

    /** The complete list, in ComfyUI's order (KSAMPLER_NAMES followed by ddim, uni_pc, uni_pc_bh2). */
    public static final List<String> NAMES = List.of(
            "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2", "dpm_2",
            "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_2s_ancestral_cfg_pp",
            "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu",
            "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm", "lcm", "ipndm",
            "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
            "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp", "er_sde", "seeds_2",
            "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc", "uni_pc_bh2");

    /** Samplers whose schedule is computed for one step more and loses its second-to-last sigma. */
    public static final Set<String> DISCARD_PENULTIMATE_SIGMA = Set.of("dpm_2", "dpm_2_ancestral", "uni_pc", "uni_pc_bh2");

    /** The official Wan2.1 solvers, for parity with the reference code; not offered in the combo. */
    public static final String WAN_UNIPC = "wan_unipc";
    public static final String WAN_DPMPP = "wan_dpmpp";

    private static final Map<String, Sampler> IMPLEMENTED = new LinkedHashMap<>();

    static {
        IMPLEMENTED.put("euler", EulerSamplers::euler);
        IMPLEMENTED.put("euler_ancestral", EulerSamplers::eulerAncestral);
        IMPLEMENTED.put("heun", EulerSamplers::heun);
        IMPLEMENTED.put("heunpp2", EulerSamplers::heunpp2);
        IMPLEMENTED.put("dpm_2", EulerSamplers::dpm2);
        IMPLEMENTED.put("dpm_2_ancestral", EulerSamplers::dpm2Ancestral);
        IMPLEMENTED.put("dpmpp_2s_ancestral", DpmPlusPlusSamplers::dpmpp2sAncestral);
        IMPLEMENTED.put("dpmpp_sde", DpmPlusPlusSamplers::dpmppSde);
        IMPLEMENTED.put("dpmpp_2m", DpmPlusPlusSamplers::dpmpp2m);
        IMPLEMENTED.put("dpmpp_2m_sde", DpmPlusPlusSamplers::dpmpp2mSde);
        IMPLEMENTED.put("dpmpp_2m_sde_heun", DpmPlusPlusSamplers::dpmpp2mSdeHeun);
        IMPLEMENTED.put("dpmpp_3m_sde", DpmPlusPlusSamplers::dpmpp3mSde);
        // The _gpu variants differ in ComfyUI only in the device their Brownian tree draws on; neither tree is
        // reproduced bit for bit here (see BrownianNoiseSampler), so they run the same process.
        IMPLEMENTED.put("dpmpp_sde_gpu", DpmPlusPlusSamplers::dpmppSde);
        IMPLEMENTED.put("dpmpp_2m_sde_gpu", DpmPlusPlusSamplers::dpmpp2mSde);
        IMPLEMENTED.put("dpmpp_2m_sde_heun_gpu", DpmPlusPlusSamplers::dpmpp2mSdeHeun);
        IMPLEMENTED.put("dpmpp_3m_sde_gpu", DpmPlusPlusSamplers::dpmpp3mSde);
        IMPLEMENTED.put("ddpm", DdpmSampler::sample);
        IMPLEMENTED.put("lcm", LcmSampler::sample);
        IMPLEMENTED.put("ipndm", PndmSamplers::ipndm);
        IMPLEMENTED.put("ipndm_v", PndmSamplers::ipndmV);
        IMPLEMENTED.put("res_multistep", ResMultistepSampler::sample);
        IMPLEMENTED.put("res_multistep_ancestral", ResMultistepSampler::ancestral);
        IMPLEMENTED.put("gradient_estimation", PndmSamplers::gradientEstimation);
        IMPLEMENTED.put("er_sde", ErSdeSampler::sample);
        IMPLEMENTED.put("seeds_2", Seeds2Sampler::sample);
        IMPLEMENTED.put("ddim", EulerSamplers::euler); // ComfyUI runs "ddim" as euler (random inpaint noise aside)
        IMPLEMENTED.put("uni_pc", (task, x) -> new UniPcSampler(false).sample(task, x));
        IMPLEMENTED.put("uni_pc_bh2", (task, x) -> new UniPcSampler(true).sample(task, x));
        IMPLEMENTED.put(WAN_UNIPC, WanUniPcSampler::sample);
        IMPLEMENTED.put(WAN_DPMPP, WanDpmPlusPlusSampler::sample);
    }

    public static boolean isListed(String name) {
        return NAMES.contains(name);
    }

    public static boolean isImplemented(String name) {
        return IMPLEMENTED.containsKey(name);
    }

    /** The names from {@link #NAMES} that can run, in list order. */
    public static List<String> implementedNames() {
        return NAMES.stream().filter(IMPLEMENTED::containsKey).toList();
    }

    public static String notImplementedMessage(String name) {
        if (!isListed(name) && !isImplemented(name)) {
            return "unknown sampler '" + name + "'";
        }
        return "sampler '" + name + "' is listed for compatibility with ComfyUI but not implemented in jcomfy; "
                + "implemented: " + implementedNames();
    }

    /** The sampler called {@code name}; throws {@link IllegalArgumentException} with a clear message otherwise. */
    public static Sampler get(String name) {
        Sampler s = IMPLEMENTED.get(name);
        if (s == null) {
            throw new IllegalArgumentException(notImplementedMessage(name));
        }
        return s;
    }
}
