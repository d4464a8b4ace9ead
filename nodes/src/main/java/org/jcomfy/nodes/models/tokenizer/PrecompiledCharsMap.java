package org.jcomfy.nodes.models.tokenizer;

/**
 * The normalisation table SentencePiece compiles into its models (for {@code nmt_nfkc}:
 * NFKC plus a few extra rules). It maps byte sequences of the input to replacement
 * strings, and the normaliser always applies the longest matching rule.
 *
 * <p>Blob layout: a little-endian u32 giving the trie size in bytes, the trie (a
 * darts-clone double array of u32 units), then the replacement strings, each ending in a
 * NUL byte; a trie value is the offset of its replacement string.
 *
 * <p>Double-array unit bits (darts-clone): bit 8 = has a leaf, low 31 bits = value
 * (on leaf units), {@code bit 31 | low 8 bits} = label, offset =
 * {@code (unit >>> 10) << ((unit & (1 << 9)) >>> 6)}.
 */
final class PrecompiledCharsMap {
    /** A matched rule: how many input bytes it covers and what they become. */
    record Match(int length, byte[] replacement) {}

    private final int[] units;
    private final byte[] strings;

    private PrecompiledCharsMap(int[] units, byte[] strings) {
        this.units = units;
        this.strings = strings;
    }

    /** Decodes the blob; null when it is empty (the identity rule has no map). */
    static PrecompiledCharsMap decode(byte[] blob) {
        if (blob.length == 0) return null;
        if (blob.length < 4) throw new IllegalArgumentException("precompiled charsmap of " + blob.length + " bytes is truncated");
        long trieBytes = u32(blob, 0);
        if (trieBytes % 4 != 0 || trieBytes >= blob.length - 4L) {
            throw new IllegalArgumentException("precompiled charsmap: trie size " + trieBytes + " does not fit " + blob.length + " bytes");
        }
        int[] units = new int[(int) (trieBytes / 4)];
        for (int i = 0; i < units.length; i++) units[i] = (int) u32(blob, 4 + 4 * i);
        int stringsStart = 4 + (int) trieBytes;
        byte[] strings = new byte[blob.length - stringsStart];
        System.arraycopy(blob, stringsStart, strings, 0, strings.length);
        return new PrecompiledCharsMap(units, strings);
    }

    /**
     * The longest rule whose key is a prefix of {@code input[from..]}, or null if none
     * (darts-clone's {@code commonPrefixSearch}, keeping the longest hit).
     */
    Match longestPrefix(byte[] input, int from) {
        int nodePos = 0;
        int unit = unit(nodePos);
        nodePos ^= offset(unit);
        int bestLength = 0;
        int bestValue = -1;
        for (int i = from; i < input.length; i++) {
            int label = input[i] & 0xff;
            nodePos ^= label;
            unit = unit(nodePos);
            if (label(unit) != label) break;
            nodePos ^= offset(unit);
            if (hasLeaf(unit)) {
                bestLength = i - from + 1;
                bestValue = value(unit(nodePos));
            }
        }
        if (bestValue < 0) return null;
        return new Match(bestLength, replacementAt(bestValue));
    }

    private byte[] replacementAt(int offset) {
        if (offset >= strings.length) throw new IllegalArgumentException("precompiled charsmap: string offset " + offset + " out of range");
        int end = offset;
        while (end < strings.length && strings[end] != 0) end++;
        byte[] out = new byte[end - offset];
        System.arraycopy(strings, offset, out, 0, out.length);
        return out;
    }

    private int unit(int pos) {
        // Positions outside the array cannot carry the label we look for.
        return pos >= 0 && pos < units.length ? units[pos] : 0xffffffff;
    }

    private static boolean hasLeaf(int unit) { return ((unit >>> 8) & 1) == 1; }

    private static int value(int unit) { return unit & 0x7fffffff; }

    private static int label(int unit) { return unit & (0x80000000 | 0xff); }

    private static int offset(int unit) { return (unit >>> 10) << ((unit & (1 << 9)) >>> 6); }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
