package org.jcomfy.nodes.models.wan.weights;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The tensors of one checkpoint, handed out one key at a time to a model's key-mapping function
 * (the DiT's, the UMT5 encoder's, the VAE's), which states the shape it expects for each. Every
 * take is checked (present, that shape, a floating dtype) and remembered, so
 * {@link #requireAllUsed} can name the keys the model does not know: a checkpoint of another
 * architecture fails loudly instead of loading half its weights. Errors are
 * {@link WeightsException}s naming the file and the key. Tensors stay in their stored dtype
 * (views of the mapped file; kernels widen them).
 */
public final class WeightSource implements WeightReader, AutoCloseable {
    private final String origin;
    private final Function<String, Tensor> tensors;
    private final Map<String, long[]> shapes;
    private final Map<String, String> metadata;
    private final AutoCloseable resource;
    private final Set<String> used = new LinkedHashSet<>();
    /** What {@link #take} handed out, by key: the tensors a model built from this source holds (LoRA patches rebuild from them). */
    private final Map<String, Tensor> taken = new LinkedHashMap<>();

    private WeightSource(String origin, Map<String, long[]> shapes, Function<String, Tensor> tensors,
                         Map<String, String> metadata, AutoCloseable resource) {
        this.origin = origin;
        this.shapes = shapes;
        this.tensors = tensors;
        this.metadata = metadata;
        this.resource = resource;
    }

    /** Memory-maps a safetensors file, which {@link #close} unmaps; only its header is read now. */
    public static WeightSource open(Path file) {
        SafeTensorsFile st = SafeTensorsFile.open(file);
        try {
            return over(st, st);
        } catch (RuntimeException e) {
            st.close();
            throw e;
        }
    }

    /** The tensors of a file the caller has open and closes itself (it also reads other tensors, a tokenizer say). */
    public static WeightSource over(SafeTensorsFile file) {
        return over(file, () -> { });
    }

    private static WeightSource over(SafeTensorsFile file, AutoCloseable resource) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String name : file.names()) shapes.put(name, file.entry(name).shape());
        return new WeightSource(file.path().toString(), Collections.unmodifiableMap(shapes), file::tensor,
                file.metadata(), resource);
    }

    /** Tensors already in memory (random weights for a benchmark, converted copies in tests). */
    public static WeightSource of(String origin, Map<String, Tensor> stored) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        stored.forEach((key, t) -> shapes.put(key, t.shape()));
        return new WeightSource(origin, Collections.unmodifiableMap(shapes), stored::get, Map.of(), () -> { });
    }

    /**
     * The same weights under model-relative names, with a bundle's prefix removed the way ComfyUI's
     * {@code unet_prefix_from_state_dict} does: when more than five keys start with one of
     * {@code candidates}, the most common of them is removed and keys outside it (the VAE or text
     * encoder of a bundled checkpoint) are dropped; keys without a dot (markers such as ComfyUI's
     * {@code scaled_fp8}) stay. With no such prefix the names are unchanged.
     */
    public WeightSource withPrefixRemoved(List<String> candidates) {
        Map<String, String> renamed = stripPrefix(shapes.keySet(), candidates);
        Map<String, long[]> renamedShapes = new LinkedHashMap<>();
        renamed.forEach((name, stored) -> renamedShapes.put(name, shapes.get(stored)));
        return new WeightSource(origin, Collections.unmodifiableMap(renamedShapes), name -> tensors.apply(renamed.get(name)),
                metadata, resource);
    }

    /**
     * The same weights with every matrix ({@code *.weight} of rank 2, the linear layers) converted to
     * {@code dtype} as it is taken: UNETLoader's fp8 {@code weight_dtype}, which halves a bf16 model's
     * memory. Biases, norms, modulations and the patch convolution keep their stored dtype, as in ComfyUI.
     */
    public WeightSource withMatricesAs(DType dtype) {
        Function<String, Tensor> cast = key -> {
            Tensor t = tensors.apply(key);
            return key.endsWith(".weight") && t.rank() == 2 && t.dtype() != dtype ? t.copyAs(dtype) : t;
        };
        return new WeightSource(origin + " (matrices as " + dtype + ")", shapes, cast, metadata, resource);
    }

    /** Where the weights come from, for messages. */
    public String origin() { return origin; }

    /** Key → stored shape, without touching tensor data (for detection). */
    public Map<String, long[]> shapes() { return shapes; }

    /** The file's {@code __metadata__} (empty for in-memory sources). */
    public Map<String, String> metadata() { return metadata; }

    public boolean contains(String key) { return shapes.containsKey(key); }

    /** The stored shape of {@code key}, which must exist; reading a shape does not count as using the tensor. */
    public long[] shape(String key) {
        long[] shape = shapes.get(key);
        if (shape == null) throw new WeightsException(origin + ": missing tensor '" + key + "'");
        return shape.clone();
    }

    /**
     * The tensor under {@code key}, which must exist with exactly {@code expectedShape}; a negative
     * size accepts any size in that dimension (a vocabulary the file decides, say).
     */
    @Override
    public Tensor take(String key, long... expectedShape) {
        long[] shape = shapes.get(key);
        if (shape == null) {
            throw new WeightsException(origin + ": missing tensor '" + key + "' (expected shape "
                    + Arrays.toString(expectedShape) + ")");
        }
        if (!matches(shape, expectedShape)) {
            throw new WeightsException(origin + ": tensor '" + key + "' has shape " + Arrays.toString(shape)
                    + " but the detected model needs " + Arrays.toString(expectedShape));
        }
        Tensor t = tensors.apply(key);
        if (!t.dtype().isFloatingPoint()) {
            throw new WeightsException(origin + ": tensor '" + key + "' is " + t.dtype() + ", not a floating-point weight");
        }
        used.add(key);
        taken.put(key, t);
        return t;
    }

    /**
     * The tensors {@link #take} has handed out, by key, exactly as handed out (after
     * {@link #withMatricesAs}'s conversion): a LoRA rebuilds a model from these, so the weights it
     * does not patch stay shared with the base model instead of being read or converted again.
     */
    public Map<String, Tensor> taken() { return Collections.unmodifiableMap(taken); }

    /**
     * The per-tensor weight scale of ComfyUI's {@code *_scaled} fp8 files: the scalar
     * {@code <layer>.scale_weight} if present, else 1.
     */
    @Override
    public float weightScale(String layer) {
        String key = layer + ".scale_weight";
        long[] shape = shapes.get(key);
        if (shape == null) return 1f;
        if (Tensor.count(shape) != 1) {
            throw new WeightsException(origin + ": tensor '" + key + "' has shape " + Arrays.toString(shape)
                    + " but a weight scale is a single number");
        }
        used.add(key);
        return tensors.apply(key).getFloat(0);
    }

    /**
     * Fails when a key was never taken and {@code ignorable} does not accept it: such a key
     * means the checkpoint is a different model, or a variant the mapping does not handle.
     */
    public void requireAllUsed(Predicate<String> ignorable) {
        Set<String> unexpected = new TreeSet<>();
        for (String key : shapes.keySet()) {
            if (!used.contains(key) && !ignorable.test(key)) unexpected.add(key);
        }
        if (!unexpected.isEmpty()) {
            List<String> shown = unexpected.stream().limit(10).toList();
            throw new WeightsException(origin + ": " + unexpected.size() + " unexpected tensor(s), e.g. " + shown);
        }
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            throw new IllegalStateException(origin + ": cannot close: " + e.getMessage(), e);
        }
    }

    private static boolean matches(long[] shape, long[] expected) {
        if (shape.length != expected.length) return false;
        for (int i = 0; i < shape.length; i++) {
            if (expected[i] >= 0 && expected[i] != shape[i]) return false;
        }
        return true;
    }

    /** Model-relative name → stored name, after removing the dominant candidate prefix (if any). */
    private static Map<String, String> stripPrefix(Set<String> names, List<String> candidates) {
        String best = null;
        long bestCount = 5; // ComfyUI requires more than five keys
        for (String prefix : candidates) {
            long n = names.stream().filter(k -> k.startsWith(prefix)).count();
            if (n > bestCount) {
                best = prefix;
                bestCount = n;
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names) {
            if (best == null) {
                out.put(name, name);
            } else if (name.startsWith(best)) {
                out.put(name.substring(best.length()), name);
            } else if (!name.contains(".")) {
                out.put(name, name); // top-level markers such as ComfyUI's "scaled_fp8"
            }
        }
        return out;
    }
}
