package org.jcomfy.backend.attention;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jcomfy.backend.kernels.AttentionKernel;
import org.jcomfy.backend.kernels.PartialAttention;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * Chooses an {@link AttentionImplementation} per call shape, in one of MindIE SD's three modes:
 * <ul>
 *   <li>{@link Mode#MANUAL}: always the named implementation;</li>
 *   <li>{@link Mode#STATIC}: the first matching {@link AttentionRule} of a table on the shape;</li>
 *   <li>{@link Mode#RUNTIME}: on the first call of a new {@link AttentionShape}, every candidate that
 *       supports it runs on the real inputs ({@code warmupRuns} untimed, then {@code timedRuns} timed),
 *       the one with the lowest median is kept, and its output of that call is returned. A shape
 *       that only one candidate supports is not timed.</li>
 * </ul>
 * In every mode a candidate that does not support the shape, or throws for it, is skipped
 * (reported once per shape in the choice and the log) and the next in line is tried: in manual
 * and static mode the remaining implementations in list order. Only when every candidate
 * fails does the call fail, with each candidate's error attached.
 *
 * <p>Choices are remembered per shape in a bounded Caffeine cache ({@link #choices()}); each new
 * choice is logged and passed to the listeners ({@link #onChoice}).
 */
public final class AttentionSelector implements AttentionKernel {
    /** As in MindIE SD's {@code opt_mode}. */
    public enum Mode { MANUAL, STATIC, RUNTIME }

    /** Shapes remembered at most (MindIE SD keeps 512 too). */
    public static final int MAX_REMEMBERED_SHAPES = 512;

    private static final System.Logger LOG = System.getLogger(AttentionSelector.class.getName());

    private final Mode mode;
    private final List<AttentionImplementation> implementations;
    private final String manualName;
    private final List<AttentionRule> rules;
    private final int warmupRuns;
    private final int timedRuns;
    private final Cache<AttentionShape, AttentionChoice> choices =
            Caffeine.newBuilder().maximumSize(MAX_REMEMBERED_SHAPES).build();
    private final List<Consumer<AttentionChoice>> listeners = new CopyOnWriteArrayList<>();

    private AttentionSelector(Mode mode, List<AttentionImplementation> implementations, String manualName,
                              List<AttentionRule> rules, int warmupRuns, int timedRuns) {
        if (implementations.isEmpty()) throw new IllegalArgumentException("attention selector needs at least one implementation");
        this.mode = mode;
        this.implementations = List.copyOf(implementations);
        this.manualName = manualName;
        this.rules = List.copyOf(rules);
        this.warmupRuns = warmupRuns;
        this.timedRuns = timedRuns;
        if (manualName != null) find(manualName);
        for (AttentionRule rule : this.rules) find(rule.implementation());
    }

    /** The implementations jcomfy ships, in fallback order: tiled first, then the materialised matrix. */
    public static List<AttentionImplementation> defaultImplementations(CpuThreads threads) {
        return List.of(new FlashAttention(threads), new NaiveAttention(threads));
    }

    /** Always {@code name} (falling back to the others only where it fails). */
    public static AttentionSelector manual(String name, List<AttentionImplementation> implementations) {
        return new AttentionSelector(Mode.MANUAL, implementations, Objects.requireNonNull(name), List.of(), 0, 0);
    }

    /** The first matching rule; the implementations' list order breaks a table with no match. */
    public static AttentionSelector staticRules(List<AttentionRule> rules, List<AttentionImplementation> implementations) {
        return new AttentionSelector(Mode.STATIC, implementations, null, rules, 0, 0);
    }

    /** Times every candidate once per shape: 1 warm-up and 3 timed runs each. */
    public static AttentionSelector runtime(List<AttentionImplementation> implementations) {
        return runtime(implementations, 1, 3);
    }

    public static AttentionSelector runtime(List<AttentionImplementation> implementations, int warmupRuns, int timedRuns) {
        if (warmupRuns < 0 || timedRuns < 1) throw new IllegalArgumentException("need warmupRuns >= 0 and timedRuns >= 1");
        return new AttentionSelector(Mode.RUNTIME, implementations, null, List.of(), warmupRuns, timedRuns);
    }

    /**
     * A selector over {@link #defaultImplementations} on {@code threads} from a setting: {@code runtime},
     * {@code static} (the {@link AttentionRule#defaults()} table) or {@code manual:NAME}. The CPU device
     * builds its attention from {@code BackendOptions.attention} this way.
     */
    public static AttentionSelector fromSetting(String setting, CpuThreads threads) {
        List<AttentionImplementation> implementations = defaultImplementations(threads);
        String s = setting.trim().toLowerCase();
        if (s.equals("runtime")) return runtime(implementations);
        if (s.equals("static")) return staticRules(AttentionRule.defaults(), implementations);
        if (s.startsWith("manual:")) return manual(s.substring("manual:".length()), implementations);
        throw new IllegalArgumentException("attention mode must be runtime, static or manual:NAME (one of "
                + implementations.stream().map(AttentionImplementation::name).toList() + "), got '" + setting + "'");
    }

    public Mode mode() {
        return mode;
    }

    public List<AttentionImplementation> implementations() {
        return implementations;
    }

    /**
     * Calls {@code listener} with every new choice (once per shape while it stays remembered) until
     * the returned handle is closed: a prompt listens for the choices made while it runs.
     */
    public Listening onChoice(Consumer<AttentionChoice> listener) {
        Consumer<AttentionChoice> mine = Objects.requireNonNull(listener)::accept; // a distinct object, removed by identity
        listeners.add(mine);
        return () -> listeners.remove(mine);
    }

    /** A registered listener; closing it stops the calls. */
    public interface Listening extends AutoCloseable {
        @Override void close();
    }

    /** The remembered choices, for statistics and the UI. */
    public Map<AttentionShape, AttentionChoice> choices() {
        return Map.copyOf(choices.asMap());
    }

    public Optional<AttentionChoice> choiceFor(AttentionShape shape) {
        return Optional.ofNullable(choices.getIfPresent(shape));
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        AttentionShape shape = AttentionShape.of(q, k, v, bias); // wrong shapes are the caller's error, not a candidate's
        AttentionChoice known = choices.getIfPresent(shape);
        if (known != null) {
            AttentionImplementation chosen = find(known.implementation());
            try {
                return chosen.compute(q, k, v, bias, scale);
            } catch (RuntimeException | OutOfMemoryError e) {
                choices.invalidate(shape); // choose again without it below
                Map<String, String> failures = new LinkedHashMap<>(known.failures());
                failures.put(chosen.name(), message(e));
                return choose(shape, q, k, v, bias, scale, failures, e);
            }
        }
        return choose(shape, q, k, v, bias, scale, new LinkedHashMap<>(), null);
    }

    /**
     * The log-sum-exp form (ring attention's partials) is not timed: it runs on the implementation
     * the plain form chose for this shape, or else on the first candidate in this mode's order.
     */
    @Override
    public PartialAttention attentionWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        AttentionShape shape = AttentionShape.of(q, k, v, bias);
        AttentionChoice known = choices.getIfPresent(shape);
        if (known != null) return find(known.implementation()).computeWithLse(q, k, v, bias, scale);
        for (AttentionImplementation impl : ordered(shape)) {
            if (impl.supports(shape)) return impl.computeWithLse(q, k, v, bias, scale);
        }
        throw new IllegalStateException("attention: no implementation supports [" + shape + "]");
    }

    /** A candidate's output together with the choice it stands for. */
    private record Outcome(Tensor result, AttentionChoice choice) {}

    private Tensor choose(AttentionShape shape, Tensor q, Tensor k, Tensor v, Tensor bias, float scale,
                          Map<String, String> failures, Throwable earlier) {
        long start = System.nanoTime();
        List<Throwable> errors = new ArrayList<>();
        if (earlier != null) errors.add(earlier);
        List<AttentionImplementation> candidates = new ArrayList<>();
        for (AttentionImplementation impl : ordered(shape)) {
            if (failures.containsKey(impl.name())) continue;
            if (impl.supports(shape)) candidates.add(impl);
            else failures.put(impl.name(), "does not support this shape");
        }
        Outcome outcome = mode == Mode.RUNTIME && candidates.size() > 1
                ? fastest(shape, candidates, q, k, v, bias, scale, failures, errors)
                : firstThatRuns(shape, candidates, q, k, v, bias, scale, failures, errors);
        if (outcome == null) {
            IllegalStateException all = new IllegalStateException("attention: every implementation failed for ["
                    + shape + "]: " + failures);
            errors.forEach(all::addSuppressed);
            throw all;
        }
        remember(outcome.choice().took(System.nanoTime() - start));
        return outcome.result();
    }

    /** Runtime mode: times each candidate on the real inputs and keeps the lowest median. */
    private Outcome fastest(AttentionShape shape, List<AttentionImplementation> candidates, Tensor q, Tensor k, Tensor v,
                            Tensor bias, float scale, Map<String, String> failures, List<Throwable> errors) {
        Map<String, Long> timings = new LinkedHashMap<>();
        AttentionImplementation winner = null;
        Tensor winnerResult = null;
        long best = Long.MAX_VALUE;
        for (AttentionImplementation impl : candidates) {
            try {
                Tensor out = null;
                for (int i = 0; i < warmupRuns; i++) out = impl.compute(q, k, v, bias, scale);
                long[] times = new long[timedRuns];
                for (int i = 0; i < timedRuns; i++) {
                    long t0 = System.nanoTime();
                    out = impl.compute(q, k, v, bias, scale);
                    times[i] = System.nanoTime() - t0;
                }
                Arrays.sort(times);
                long median = times[timedRuns / 2];
                timings.put(impl.name(), median);
                if (median < best) {
                    best = median;
                    winner = impl;
                    winnerResult = out;
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                failures.put(impl.name(), message(e));
                errors.add(e);
            }
        }
        if (winner == null) return null;
        String reason = "fastest of " + timings.size() + " timed on the first call";
        return new Outcome(winnerResult, new AttentionChoice(shape, winner.name(), mode, reason, timings, failures, 0));
    }

    /** Manual and static mode (and runtime with one candidate): the first candidate in order that runs. */
    private Outcome firstThatRuns(AttentionShape shape, List<AttentionImplementation> candidates, Tensor q, Tensor k,
                                  Tensor v, Tensor bias, float scale, Map<String, String> failures, List<Throwable> errors) {
        for (AttentionImplementation impl : candidates) {
            try {
                Tensor result = impl.compute(q, k, v, bias, scale);
                return new Outcome(result, new AttentionChoice(shape, impl.name(), mode, reason(shape, impl), Map.of(), failures, 0));
            } catch (RuntimeException | OutOfMemoryError e) {
                failures.put(impl.name(), message(e));
                errors.add(e);
            }
        }
        return null;
    }

    /** Candidates in the order this mode tries them. */
    private List<AttentionImplementation> ordered(AttentionShape shape) {
        List<AttentionImplementation> order = new ArrayList<>();
        if (mode == Mode.MANUAL) order.add(find(manualName));
        if (mode == Mode.STATIC) {
            for (AttentionRule rule : rules) {
                AttentionImplementation impl = find(rule.implementation());
                if (rule.when().test(shape) && !order.contains(impl)) order.add(impl);
            }
        }
        for (AttentionImplementation impl : implementations) if (!order.contains(impl)) order.add(impl);
        return order;
    }

    private String reason(AttentionShape shape, AttentionImplementation impl) {
        if (mode == Mode.RUNTIME) return "the only candidate left for this shape, so not timed";
        if (mode == Mode.MANUAL) return impl.name().equals(manualName) ? "named" : "fallback for " + manualName;
        for (AttentionRule rule : rules) {
            if (rule.when().test(shape) && rule.implementation().equals(impl.name())) return "rule " + rule.description();
        }
        return "fallback: no usable rule";
    }

    private void remember(AttentionChoice choice) {
        AttentionChoice previous = choices.asMap().putIfAbsent(choice.shape(), choice);
        if (previous != null) return; // another thread chose at the same time; keep the first
        LOG.log(choice.failures().isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, choice.describe());
        for (Consumer<AttentionChoice> listener : listeners) listener.accept(choice);
    }

    private AttentionImplementation find(String name) {
        for (AttentionImplementation impl : implementations) if (impl.name().equals(name)) return impl;
        throw new IllegalArgumentException("no attention implementation named '" + name + "'; have "
                + implementations.stream().map(AttentionImplementation::name).toList());
    }

    private static String message(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
