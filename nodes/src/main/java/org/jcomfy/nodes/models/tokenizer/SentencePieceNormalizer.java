package org.jcomfy.nodes.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * SentencePiece's text normaliser, on UTF-8 bytes, in the order the C++ library applies it:
 * <ol>
 *   <li>each step takes the longest prefix of the remaining input that is either a
 *       user-defined piece (kept verbatim) or a rule of the precompiled charsmap
 *       (replaced), else one UTF-8 character (kept; a malformed byte becomes U+FFFD);</li>
 *   <li>{@code remove_extra_whitespaces}: leading spaces dropped, runs of spaces collapsed
 *       to one, trailing spaces dropped;</li>
 *   <li>{@code add_dummy_prefix}: one space in front (behind with
 *       {@code treat_whitespace_as_suffix});</li>
 *   <li>{@code escape_whitespaces}: every space written as U+2581 "▁".</li>
 * </ol>
 * Tabs and newlines become spaces through the nmt_nfkc charsmap, not here.
 */
final class SentencePieceNormalizer {
    static final byte[] SPACE_SYMBOL = {(byte) 0xe2, (byte) 0x96, (byte) 0x81}; // U+2581
    private static final byte[] REPLACEMENT_CHARACTER = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd}; // U+FFFD

    private final PrecompiledCharsMap charsMap;
    private final SentencePieceModel.Normalizer spec;
    private final boolean whitespaceAsSuffix;
    private final List<byte[]> userDefinedPieces;

    SentencePieceNormalizer(SentencePieceModel.Normalizer spec, boolean whitespaceAsSuffix, List<byte[]> userDefinedPieces) {
        this.charsMap = PrecompiledCharsMap.decode(spec.precompiledCharsmap());
        this.spec = spec;
        this.whitespaceAsSuffix = whitespaceAsSuffix;
        this.userDefinedPieces = List.copyOf(userDefinedPieces);
    }

    /** One normalisation step: {@code consumed} input bytes became {@code output}. */
    private record Step(byte[] output, int consumed) {}

    byte[] normalize(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 3 + 3);
        int pos = 0;
        if (spec.removeExtraWhitespaces()) {
            // Drop leading input that normalises to a single space.
            while (pos < input.length) {
                Step s = step(input, pos);
                if (!isSingleSpace(s.output)) break;
                pos += s.consumed;
            }
        }
        if (pos >= input.length) return new byte[0];
        if (!whitespaceAsSuffix && spec.addDummyPrefix()) writeSpace(out);

        boolean prevWasSpace = spec.removeExtraWhitespaces();
        while (pos < input.length) {
            Step s = step(input, pos);
            byte[] piece = s.output;
            int start = 0;
            if (prevWasSpace && spec.removeExtraWhitespaces()) {
                while (start < piece.length && piece[start] == ' ') start++;
            }
            if (start < piece.length) {
                for (int i = start; i < piece.length; i++) {
                    if (spec.escapeWhitespaces() && piece[i] == ' ') writeSpace(out);
                    else out.write(piece[i]);
                }
                prevWasSpace = piece[piece.length - 1] == ' ';
            }
            pos += s.consumed;
            if (!spec.removeExtraWhitespaces()) prevWasSpace = false;
        }

        byte[] result = out.toByteArray();
        int length = result.length;
        if (spec.removeExtraWhitespaces()) {
            byte[] space = spec.escapeWhitespaces() ? SPACE_SYMBOL : new byte[] {' '};
            while (endsWith(result, length, space)) length -= space.length;
        }
        if (length != result.length) result = Arrays.copyOf(result, length);
        if (whitespaceAsSuffix && spec.addDummyPrefix()) {
            ByteArrayOutputStream withSuffix = new ByteArrayOutputStream(result.length + 3);
            withSuffix.writeBytes(result);
            writeSpace(withSuffix);
            result = withSuffix.toByteArray();
        }
        return result;
    }

    private Step step(byte[] input, int pos) {
        int userDefined = longestUserDefinedPrefix(input, pos);
        if (userDefined > 0) return new Step(Arrays.copyOfRange(input, pos, pos + userDefined), userDefined);
        PrecompiledCharsMap.Match m = charsMap == null ? null : charsMap.longestPrefix(input, pos);
        if (m != null) return new Step(m.replacement(), m.length());
        int len = Utf8.validCharLength(input, pos);
        if (len == 0) return new Step(REPLACEMENT_CHARACTER, 1);
        return new Step(Arrays.copyOfRange(input, pos, pos + len), len);
    }

    private int longestUserDefinedPrefix(byte[] input, int pos) {
        int best = 0;
        for (byte[] p : userDefinedPieces) {
            if (p.length > best && p.length <= input.length - pos
                    && Arrays.equals(input, pos, pos + p.length, p, 0, p.length)) {
                best = p.length;
            }
        }
        return best;
    }

    private void writeSpace(ByteArrayOutputStream out) {
        if (spec.escapeWhitespaces()) out.writeBytes(SPACE_SYMBOL);
        else out.write(' ');
    }

    private static boolean isSingleSpace(byte[] b) { return b.length == 1 && b[0] == ' '; }

    private static boolean endsWith(byte[] b, int length, byte[] suffix) {
        return length >= suffix.length && Arrays.equals(b, length - suffix.length, length, suffix, 0, suffix.length);
    }
}
