package org.jcomfy.nodes.api;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One declared input of a node. Widget inputs (INT, FLOAT, STRING, BOOLEAN, COMBO) carry their
 * options; socket inputs name a type such as MODEL or IMAGE. {@code extra} holds any further
 * option keys written verbatim into {@code /object_info} (tooltip, display, forceInput, ...).
 */
public sealed interface InputSpec {
    String name();

    /** The wire type: INT, FLOAT, STRING, BOOLEAN, COMBO, or a socket type. */
    String type();

    Map<String, Object> extra();

    /** INT. Bounds are BigInteger because seeds reach 2^64-1. */
    record IntInput(String name, BigInteger defaultValue, BigInteger min, BigInteger max, long step,
                    Map<String, Object> extra) implements InputSpec {
        public String type() { return "INT"; }
    }

    /** FLOAT. {@code round} is null when unset (ComfyUI derives it from step). */
    record FloatInput(String name, double defaultValue, double min, double max, double step, Double round,
                      Map<String, Object> extra) implements InputSpec {
        public String type() { return "FLOAT"; }
    }

    record StringInput(String name, String defaultValue, boolean multiline, Map<String, Object> extra)
            implements InputSpec {
        public String type() { return "STRING"; }
    }

    record BooleanInput(String name, boolean defaultValue, Map<String, Object> extra) implements InputSpec {
        public String type() { return "BOOLEAN"; }
    }

    /**
     * COMBO. Options may depend on the environment (model file lists), so they are computed
     * on each {@code /object_info} and each validation. {@code defaultValue} null means the first option.
     */
    record ComboInput(String name, Function<NodeEnvironment, List<String>> options, String defaultValue,
                      Map<String, Object> extra) implements InputSpec {
        public String type() { return "COMBO"; }
    }

    /** A socket: MODEL, CLIP, VAE, CONDITIONING, LATENT, IMAGE, MASK, VIDEO, or "*". */
    record SocketInput(String name, String type, Map<String, Object> extra) implements InputSpec {}

    /** Server-supplied values: PROMPT, EXTRA_PNGINFO, UNIQUE_ID, DYNPROMPT. */
    record HiddenInput(String name, String type, Map<String, Object> extra) implements InputSpec {}
}
