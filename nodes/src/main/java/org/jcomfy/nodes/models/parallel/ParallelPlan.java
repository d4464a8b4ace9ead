package org.jcomfy.nodes.models.parallel;

/**
 * How a MODEL spreads one denoising step over ranks (the {@code ParallelPlan} node's option):
 * {@code ulyssesSize × ringSize} ranks share each DiT forward's token sequence (the USP mesh of
 * {@link UspParallel}), and with {@code cfgParallel} two such groups evaluate the cond and uncond
 * branches of a step at the same time. {@link #SINGLE} is the plain one-rank forward.
 *
 * @param ulyssesSize ranks of a Ulysses group (heads are split this many ways)
 * @param ringSize    ranks of a ring (key/value shards rotate this many steps)
 * @param cfgParallel whether the two guidance branches run on two rank groups at once
 * @param ranks       where the ranks come from; {@link #LOCAL} (threads of this JVM) is the only source yet
 */
public record ParallelPlan(int ulyssesSize, int ringSize, boolean cfgParallel, String ranks) {
    /** In-process ranks: each rank is a thread of this JVM sharing its device and weights. */
    public static final String LOCAL = "local";

    /**
     * The most in-process ranks a plan may ask for. Ranks here are threads, not cores: a plan of 4
     * ranks runs (slowly, but exactly) on a 2-core machine, so the limit is not the processor count;
     * 8 covers Ulysses 8, Ulysses 2 × Ring 2 × CFG and every mesh the published Wan numbers use.
     */
    public static final int MAX_LOCAL_RANKS = 8;

    /** One rank: the plain forward. */
    public static final ParallelPlan SINGLE = new ParallelPlan(1, 1, false, LOCAL);

    public ParallelPlan {
        if (ulyssesSize < 1 || ringSize < 1) {
            throw new IllegalArgumentException("ulysses_size and ring_size must be at least 1, got " + ulyssesSize + " and " + ringSize);
        }
        if (!LOCAL.equals(ranks)) throw new IllegalArgumentException("unknown rank source '" + ranks + "' (only 'local' exists)");
    }

    /** Ranks of one guidance branch's group: the sequence is split this many ways. */
    public int sequenceSize() { return ulyssesSize * ringSize; }

    /** Every rank the plan needs: {@code (cfg_parallel ? 2 : 1) · ulysses_size · ring_size}. */
    public int world() { return (cfgParallel ? 2 : 1) * sequenceSize(); }

    /**
     * Why this plan cannot run a model of {@code heads} attention heads on in-process ranks, or
     * null when it can: Ulysses splits the heads, and the world must fit {@link #MAX_LOCAL_RANKS}.
     */
    public String problemFor(int heads) {
        String size = worldProblem();
        if (size != null) return size;
        if (heads % ulyssesSize != 0) {
            return "ulysses_size " + ulyssesSize + " does not divide the model's " + heads + " attention heads (Ulysses gives each rank "
                    + "heads / ulysses_size of them); choose a ulysses_size that divides " + heads;
        }
        return null;
    }

    /** Why the world is too large for in-process ranks, or null. */
    public String worldProblem() {
        if (world() <= MAX_LOCAL_RANKS) return null;
        return "this plan needs " + world() + " ranks (" + (cfgParallel ? "2 guidance groups x " : "") + "ulysses_size " + ulyssesSize
                + " x ring_size " + ringSize + "), more than the " + MAX_LOCAL_RANKS + " in-process ranks 'local' offers "
                + "(threads of this JVM, up to " + MAX_LOCAL_RANKS + " whatever the core count)";
    }

    @Override
    public String toString() {
        return "ulysses " + ulyssesSize + " x ring " + ringSize + (cfgParallel ? " x cfg 2" : "") + " on " + world() + " " + ranks + " ranks";
    }
}
