package org.jcomfy.nodes.types;

import java.util.HashMap;
import java.util.Map;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.LatentFormat;

/**
 * ComfyUI's MODEL: shared network weights plus options. Patch nodes (ModelSamplingSD3, the
 * DiT cache and attention nodes) return a copy with one option changed; nothing mutates.
 *
 * @param shift   flow sampling shift (Wan's default is 8)
 * @param options further per-model options, by name
 */
public record DiffusionModel(DiffusionNet net, LatentFormat latentFormat, double shift, Map<String, Object> options) {

    public static DiffusionModel wan21(DiffusionNet net) {
        return new DiffusionModel(net, LatentFormat.WAN21, FlowModelSampling.WAN_DEFAULT_SHIFT, Map.of());
    }

    public DiffusionModel withShift(double s) {
        return new DiffusionModel(net, latentFormat, s, options);
    }

    public DiffusionModel withOption(String key, Object value) {
        Map<String, Object> m = new HashMap<>(options);
        m.put(key, value);
        return new DiffusionModel(net, latentFormat, shift, Map.copyOf(m));
    }
}
