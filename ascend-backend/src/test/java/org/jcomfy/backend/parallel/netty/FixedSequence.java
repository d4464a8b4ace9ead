package org.jcomfy.backend.parallel.netty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroup.Reduction;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The collectives every rank of a multi-JVM test runs, in a fixed order, each result checked on
 * the rank that got it against values computed from the ranks' numbers alone, so no rank needs to
 * see another's results to know its own are right. Includes an all-to-all of DiT-sized shards
 * (several megabytes a frame, read over many socket reads).
 */
final class FixedSequence {
    private FixedSequence() {}

    /** Runs the sequence; returns a one-line summary, or throws {@link IllegalStateException} naming the first wrong value. */
    static String run(ProcessGroup g) {
        int n = g.size(), r = g.rank();
        // all-to-all, parts of different shapes
        List<Tensor> parts = new ArrayList<>();
        for (int j = 0; j < n; j++) parts.add(ramp(100 * r + j, j + 1, 3));
        List<Tensor> got = g.allToAll(parts);
        for (int s = 0; s < n; s++) check("allToAll from " + s, ramp(100 * s + r, r + 1, 3), got.get(s));
        // all-gather, all-reduce (both kinds), broadcast from the last rank
        List<Tensor> gathered = g.allGather(ramp(r, 2, 2));
        for (int s = 0; s < n; s++) check("allGather from " + s, ramp(s, 2, 2), gathered.get(s));
        Tensor sum = Tensor.zeros(DType.F32, 5);
        for (int s = 0; s < n; s++) for (int i = 0; i < 5; i++) sum.setFloat(i, sum.getFloat(i) + s + i);
        check("allReduce SUM", sum, g.allReduce(ramp(r, 5), Reduction.SUM));
        check("allReduce MAX", ramp(n - 1, 5), g.allReduce(ramp(r, 5), Reduction.MAX));
        check("broadcast", ramp(7, 3, 3), g.broadcast(r == n - 1 ? ramp(7, 3, 3) : null, n - 1));
        // a ring of a megabyte each way
        int next = (r + 1) % n, previous = (r + n - 1) % n;
        g.send(ramp(1000 * r, 512, 512), next);
        check("ring from " + previous, ramp(1000 * previous, 512, 512), g.recv(previous));
        // split into even and odd world ranks
        ProcessGroup parity = g.split(r % 2, r);
        List<Tensor> members = parity.allGather(Tensor.of(new float[] {r}, 1));
        for (int j = 0; j < members.size(); j++) check("split member " + j, Tensor.of(new float[] {2 * j + r % 2}, 1), members.get(j));
        // the DiT's sequence all-to-all: 1,560 tokens x 1,536 features, a shard of tokens to each rank
        long tokens = 1560 / n;
        List<Tensor> shards = new ArrayList<>();
        for (int j = 0; j < n; j++) shards.add(ramp(1e4f * r + j, tokens, 1536 / n));
        List<Tensor> back = g.allToAll(shards);
        for (int s = 0; s < n; s++) check("DiT allToAll from " + s, ramp(1e4f * s + r, tokens, 1536 / n), back.get(s));
        g.barrier();
        return "rank " + r + " of " + n + " ok";
    }

    /** value, value+1, ... in row-major order (wrapping every 4096 so floats stay exact). */
    static Tensor ramp(float value, long... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, value + (i % 4096));
        return t;
    }

    private static void check(String what, Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new IllegalStateException(what + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
        }
        for (long i = 0; i < expected.numel(); i++) {
            if (Float.floatToRawIntBits(expected.getFloat(i)) != Float.floatToRawIntBits(actual.getFloat(i))) {
                throw new IllegalStateException(what + ": element " + i + " is " + actual.getFloat(i) + ", expected " + expected.getFloat(i));
            }
        }
    }
}
