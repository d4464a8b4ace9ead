package org.jcomfy.nodes.models.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.nodes.models.tokenizer.SentencePieceModel.Piece;
import org.jcomfy.nodes.models.tokenizer.SentencePieceModel.PieceType;

/**
 * A SentencePiece unigram tokenizer, written to give exactly the ids of the C++ library
 * ({@code SentencePieceProcessor::Encode} with the unigram model's {@code EncodeOptimized}).
 *
 * <p>Text is normalised ({@link SentencePieceNormalizer}), then segmented by Viterbi: the
 * segmentation into vocabulary pieces with the highest total score wins. Normal and unused
 * pieces score their log-probability (unused pieces are never chosen), user-defined pieces
 * score {@code bytes · maxScore − 0.1} so they always win, and a character no piece covers
 * becomes the unknown piece with score {@code minScore − 10}. Runs of unknown characters
 * merge into one unknown piece; with byte fallback, each unknown piece is then spelled as
 * its UTF-8 bytes {@code <0xXX>}.
 *
 * <p>Segmentation works on the UTF-8 bytes of the normalised text (held as a Latin-1
 * string, one char per byte, so the piece table is a plain hash map).
 */
public final class SentencePieceTokenizer {
    private static final float UNKNOWN_PENALTY = 10.0f;

    private final SentencePieceModel model;
    private final SentencePieceNormalizer normalizer;
    /** Pieces the Viterbi search may pick (normal and user-defined), keyed by their UTF-8 bytes as Latin-1. */
    private final Map<String, Integer> pieceIds = new HashMap<>();
    /** {@code <0xXX>} byte pieces, indexed by byte value; -1 where the model has none. */
    private final int[] byteIds = new int[256];
    private final int maxPieceBytes;
    private final float minScore;
    private final float maxScore;
    private final int unkId;

    public SentencePieceTokenizer(SentencePieceModel model) {
        if (model.trainer().modelType() != SentencePieceModel.Trainer.UNIGRAM) {
            throw new IllegalArgumentException("SentencePiece model type " + model.trainer().modelType()
                    + " is not supported; only unigram models (type 1) are");
        }
        this.model = model;
        Arrays.fill(byteIds, -1);
        List<byte[]> userDefined = new ArrayList<>();
        int unk = -1, longest = 1;
        float min = Float.MAX_VALUE, max = Float.MIN_NORMAL; // C++ initialises with FLT_MAX and FLT_MIN
        List<Piece> pieces = model.pieces();
        for (int id = 0; id < pieces.size(); id++) {
            Piece p = pieces.get(id);
            byte[] utf8 = p.piece().getBytes(StandardCharsets.UTF_8);
            switch (p.type()) {
                case NORMAL, USER_DEFINED -> {
                    pieceIds.putIfAbsent(latin1(utf8), id);
                    longest = Math.max(longest, utf8.length);
                    if (p.type() == PieceType.USER_DEFINED) userDefined.add(utf8);
                    if (p.type() == PieceType.NORMAL) {
                        min = Math.min(min, p.score());
                        max = Math.max(max, p.score());
                    }
                }
                case UNKNOWN -> unk = id;
                case BYTE -> {
                    int b = parseBytePiece(p.piece());
                    if (b >= 0) byteIds[b] = id;
                }
                case CONTROL, UNUSED -> { /* never produced by segmentation */ }
            }
        }
        if (unk < 0) throw new IllegalArgumentException("SentencePiece model has no unknown piece");
        this.unkId = unk;
        this.maxPieceBytes = longest;
        this.minScore = min;
        this.maxScore = max;
        this.normalizer = new SentencePieceNormalizer(model.normalizer(), model.trainer().treatWhitespaceAsSuffix(), userDefined);
    }

    public static SentencePieceTokenizer fromModelFile(Path modelFile) {
        return new SentencePieceTokenizer(SentencePieceModel.read(modelFile));
    }

    public static SentencePieceTokenizer fromModelBytes(byte[] modelProto) {
        return new SentencePieceTokenizer(SentencePieceModel.parse(modelProto));
    }

    public SentencePieceModel model() { return model; }

    public int vocabSize() { return model.pieces().size(); }

    public int eosId() { return model.trainer().eosId(); }

    public int padId() { return model.trainer().padId(); }

    public int unknownId() { return unkId; }

    public String idToPiece(int id) { return model.pieces().get(id).piece(); }

    /** Token ids of {@code text}, without any BOS/EOS (as {@code sp.encode(text)}). */
    public int[] encode(String text) {
        byte[] normalized = normalize(text);
        List<Integer> ids = new ArrayList<>();
        for (Segment seg : segment(normalized)) {
            if (seg.id == unkId && model.trainer().byteFallback()) {
                // Spell the unknown piece as its UTF-8 bytes.
                for (int i = seg.start; i < seg.end; i++) {
                    int byteId = byteIds[normalized[i] & 0xff];
                    ids.add(byteId >= 0 ? byteId : unkId);
                }
            } else {
                ids.add(seg.id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The pieces of {@link #encode}, as strings (for debugging and tests). */
    public List<String> encodeAsPieces(String text) {
        List<String> out = new ArrayList<>();
        for (int id : encode(text)) out.add(idToPiece(id));
        return out;
    }

    /** The normalised UTF-8 bytes of {@code text} (spaces already escaped as "▁"). */
    public byte[] normalize(String text) {
        return normalizer.normalize(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One piece of the best segmentation: its id and the normalised bytes {@code [start, end)} it covers. */
    private record Segment(int id, int start, int end) {}

    /** Viterbi over the normalised bytes: the pieces of the best-scoring segmentation, in order. */
    private List<Segment> segment(byte[] normalized) {
        int size = normalized.length;
        if (size == 0) return List.of();
        String text = latin1(normalized);
        float unknownScore = minScore - UNKNOWN_PENALTY;
        // bestId/bestScore/bestStart[e]: the best path covering bytes [0, e) ends with piece bestId starting at bestStart[e].
        int[] bestId = new int[size + 1];
        float[] bestScore = new float[size + 1];
        int[] bestStart = new int[size + 1];
        Arrays.fill(bestStart, -1);
        int start = 0;
        while (start < size) {
            float scoreHere = bestScore[start];
            int charLength = Math.min(Utf8.leadByteLength(normalized[start]), size - start);
            boolean coversOneChar = false;
            for (int end = start + 1; end <= Math.min(size, start + maxPieceBytes); end++) {
                Integer id = pieceIds.get(text.substring(start, end));
                if (id == null) continue;
                int length = end - start;
                // The C++ code computes the candidate in double (user-defined bonus has a double
                // constant) and stores it as float; keep both so ties resolve identically.
                double score = model.pieces().get(id).type() == PieceType.USER_DEFINED
                        ? length * (double) maxScore - 0.1
                        : model.pieces().get(id).score();
                double candidate = score + scoreHere;
                if (bestStart[end] == -1 || candidate > bestScore[end]) {
                    bestScore[end] = (float) candidate;
                    bestStart[end] = start;
                    bestId[end] = id;
                }
                if (length == charLength) coversOneChar = true;
            }
            if (!coversOneChar) {
                int end = start + charLength;
                double candidate = (double) unknownScore + scoreHere;
                if (bestStart[end] == -1 || candidate > bestScore[end]) {
                    bestScore[end] = (float) candidate;
                    bestStart[end] = start;
                    bestId[end] = unkId;
                }
            }
            start += charLength;
        }
        List<Segment> reversed = new ArrayList<>();
        for (int end = size; end > 0; end = bestStart[end]) {
            reversed.add(new Segment(bestId[end], bestStart[end], end));
        }
        // The C++ library merges a run of unknown characters into one unknown piece.
        List<Segment> merged = new ArrayList<>();
        for (Segment s : reversed.reversed()) {
            Segment last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && last.id == unkId && s.id == unkId) {
                merged.set(merged.size() - 1, new Segment(unkId, last.start, s.end));
            } else {
                merged.add(s);
            }
        }
        return merged;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** {@code <0x41>} → 0x41; -1 for anything else. */
    private static int parseBytePiece(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return Integer.parseInt(piece.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
