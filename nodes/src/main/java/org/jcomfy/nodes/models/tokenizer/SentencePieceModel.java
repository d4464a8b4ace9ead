package org.jcomfy.nodes.models.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed SentencePiece {@code ModelProto} (the bytes of a {@code .model} file, or of the
 * {@code spiece_model} tensor in ComfyUI's text-encoder files): the vocabulary with scores
 * and types, the trainer settings that matter for encoding, and the normaliser settings.
 *
 * <p>Field numbers are those of {@code sentencepiece_model.proto}; fields not listed
 * here are skipped.
 */
public record SentencePieceModel(List<Piece> pieces, Trainer trainer, Normalizer normalizer) {

    /** The kind of a vocabulary entry ({@code ModelProto.SentencePiece.Type}). */
    public enum PieceType {
        NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

        final int protoValue;

        PieceType(int protoValue) { this.protoValue = protoValue; }

        static PieceType of(int value) {
            for (PieceType t : values()) {
                if (t.protoValue == value) return t;
            }
            throw new IllegalArgumentException("not a valid SentencePiece model: unknown piece type " + value);
        }
    }

    /** One vocabulary entry; its id is its index in {@link #pieces()}. */
    public record Piece(String piece, float score, PieceType type) {}

    /** {@code TrainerSpec}: the model type, special ids and byte fallback. */
    public record Trainer(int modelType, boolean byteFallback, boolean treatWhitespaceAsSuffix,
                          int unkId, int bosId, int eosId, int padId) {
        public static final int UNIGRAM = 1;
    }

    /**
     * {@code NormalizerSpec}: rule name (e.g. {@code nmt_nfkc}), the precompiled character
     * map (empty for the identity rule), and the three whitespace switches.
     */
    public record Normalizer(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                             boolean removeExtraWhitespaces, boolean escapeWhitespaces) {}

    public static SentencePieceModel read(Path modelFile) {
        try {
            return parse(Files.readAllBytes(modelFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SentencePiece model " + modelFile + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": " + e.getMessage(), e);
        }
    }

    /** Parses serialized {@code ModelProto} bytes. */
    public static SentencePieceModel parse(byte[] bytes) {
        List<Piece> pieces = new ArrayList<>();
        Trainer trainer = new Trainer(Trainer.UNIGRAM, false, false, 0, 1, 2, -1);
        Normalizer normalizer = new Normalizer("", new byte[0], true, true, true);
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> pieces.add(readPiece(r.readMessage()));
                case 2 -> trainer = readTrainer(r.readMessage());
                case 3 -> normalizer = readNormalizer(r.readMessage());
                default -> r.skip();
            }
        }
        if (pieces.isEmpty()) throw new IllegalArgumentException("not a valid SentencePiece model: no pieces");
        return new SentencePieceModel(List.copyOf(pieces), trainer, normalizer);
    }

    private static Piece readPiece(ProtobufReader r) {
        String piece = "";
        float score = 0;
        PieceType type = PieceType.NORMAL;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> piece = r.readString();
                case 2 -> score = r.readFloat();
                case 3 -> type = PieceType.of(r.readInt32());
                default -> r.skip();
            }
        }
        return new Piece(piece, score, type);
    }

    private static Trainer readTrainer(ProtobufReader r) {
        // Defaults from sentencepiece_model.proto.
        int modelType = Trainer.UNIGRAM;
        boolean byteFallback = false, suffix = false;
        int unk = 0, bos = 1, eos = 2, pad = -1;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 3 -> modelType = r.readInt32();
                case 24 -> suffix = r.readBool();
                case 35 -> byteFallback = r.readBool();
                case 40 -> unk = r.readInt32();
                case 41 -> bos = r.readInt32();
                case 42 -> eos = r.readInt32();
                case 43 -> pad = r.readInt32();
                default -> r.skip();
            }
        }
        return new Trainer(modelType, byteFallback, suffix, unk, bos, eos, pad);
    }

    private static Normalizer readNormalizer(ProtobufReader r) {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummyPrefix = true, removeExtra = true, escape = true;
        while (r.next()) {
            switch (r.fieldNumber()) {
                case 1 -> name = r.readString();
                case 2 -> charsmap = r.readBytes();
                case 3 -> dummyPrefix = r.readBool();
                case 4 -> removeExtra = r.readBool();
                case 5 -> escape = r.readBool();
                default -> r.skip();
            }
        }
        return new Normalizer(name, charsmap, dummyPrefix, removeExtra, escape);
    }
}
