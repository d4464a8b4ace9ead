package org.jcomfy.backend.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A safetensors file mapped into memory once. Tensors are slices of the mapping, made on
 * request, so opening a 30 GB checkpoint costs only its header. Every header field is
 * checked before any tensor is handed out.
 *
 * <p>Layout: u64 little-endian header length N, N bytes of JSON
 * ({@code name -> {dtype, shape, data_offsets:[begin,end]}} plus optional
 * {@code __metadata__}), then the data block that the offsets index.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Headers beyond this are refused: real ones are a few MB at most. */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where one tensor lives in the data block. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    private final Path path;
    private final Arena arena;
    private final MemorySegment dataBlock;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment dataBlock,
                            Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.dataBlock = dataBlock;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafeTensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) throw fail(path, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
            long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
                throw fail(path, "header length " + Long.toUnsignedString(headerLen) + " does not fit a file of "
                        + fileSize + " bytes (truncated or not a safetensors file)");
            }
            byte[] headerBytes = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8).stripTrailing());
            } catch (IOException e) {
                throw fail(path, "header is not valid JSON: " + e.getMessage());
            }
            if (header == null || !header.isObject()) throw fail(path, "header is not a JSON object");
            MemorySegment dataBlock = all.asSlice(8 + headerLen);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if ("__metadata__".equals(field.getKey())) {
                    readMetadata(path, field.getValue(), metadata);
                } else {
                    entries.put(field.getKey(), readEntry(path, field.getKey(), field.getValue(), dataBlock.byteSize()));
                }
            }
            checkNoOverlaps(path, entries.values());
            return new SafeTensorsFile(path, arena, dataBlock, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            arena.close();
            throw new SafeTensorsException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() { return path; }
    public Set<String> names() { return entries.keySet(); }
    public Map<String, Entry> entries() { return entries; }
    public Map<String, String> metadata() { return metadata; }
    public boolean contains(String name) { return entries.containsKey(name); }

    /** Header information of one tensor, or null if absent. */
    public Entry entry(String name) { return entries.get(name); }

    /** The tensor, as a view of the mapped file in its stored dtype. */
    public Tensor tensor(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new SafeTensorsException(path + ": no tensor named '" + name + "'");
        return Tensor.wrap(dataBlock.asSlice(e.begin, e.end - e.begin), e.dtype, e.shape);
    }

    /** Unmaps the file. Tensors taken from it must not be used afterwards. */
    @Override
    public void close() { arena.close(); }

    // ---- header validation ---------------------------------------------------------

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) throw fail(path, "__metadata__ is not an object");
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) throw fail(path, "__metadata__ value '" + m.getKey() + "' is not a string");
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Entry readEntry(Path path, String name, JsonNode node, long dataSize) {
        if (!node.isObject()) throw failTensor(path, name, "entry is not an object");
        JsonNode dt = node.get("dtype");
        JsonNode sh = node.get("shape");
        JsonNode off = node.get("data_offsets");
        if (dt == null || !dt.isTextual()) throw failTensor(path, name, "missing dtype");
        DType dtype = DType.fromSafetensorsName(dt.asText());
        if (dtype == null) throw failTensor(path, name, "unsupported dtype '" + dt.asText() + "'");
        if (sh == null || !sh.isArray()) throw failTensor(path, name, "missing shape");
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw failTensor(path, name, "shape " + sh + " has an invalid dimension");
            }
            shape[i] = d.asLong();
        }
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
            throw failTensor(path, name, "data_offsets must be [begin, end]");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) throw failTensor(path, name, "data_offsets " + off + " are reversed or negative");
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.count(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw failTensor(path, name, "shape " + sh + " overflows");
        }
        if (end - begin != expected) {
            throw failTensor(path, name, "holds " + (end - begin) + " bytes but " + dtype + sh + " needs " + expected);
        }
        if (end > dataSize) {
            throw failTensor(path, name, "ends at byte " + end + " of a data block of " + dataSize + " bytes (file truncated?)");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static void checkNoOverlaps(Path path, Iterable<Entry> entries) {
        List<Entry> sorted = new ArrayList<>();
        entries.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1);
            Entry cur = sorted.get(i);
            if (cur.begin() < prev.end()) {
                throw failTensor(path, cur.name(), "overlaps tensor '" + prev.name() + "'");
            }
        }
    }

    private static SafeTensorsException fail(Path path, String why) {
        return new SafeTensorsException(path + ": " + why);
    }

    private static SafeTensorsException failTensor(Path path, String name, String why) {
        return new SafeTensorsException(path + ": tensor '" + name + "': " + why);
    }
}
