package org.jcomfy.backend.parallel.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;

/**
 * A rank in a JVM of its own, started by the multi-JVM tests:
 * {@code RankProcess HOST PORT RANK SIZE TIMEOUT_MS SCENARIO}. It joins the world at HOST:PORT and
 * plays its scenario, printing one line per step it reaches (the tests wait for them):
 * <ul>
 *   <li>{@code sequence}: {@link FixedSequence}, then "done: ..." and exit 0;</li>
 *   <li>{@code gather}: a barrier, "waiting", then an all-gather that the test expects to fail;</li>
 *   <li>{@code stall}: a barrier, "stalling", then sleeps (until the test kills it);</li>
 *   <li>{@code loop}: "looping", then DiT-sized all-to-alls until one fails (the test kills it mid-frame).</li>
 * </ul>
 * A failure prints "failed: MESSAGE" and exits 3.
 */
public final class RankProcess {
    private RankProcess() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]), rank = Integer.parseInt(args[2]), size = Integer.parseInt(args[3]);
        Duration timeout = Duration.ofMillis(Long.parseLong(args[4]));
        String scenario = args[5];
        MeshOptions options = MeshOptions.DEFAULTS.withJoinTimeout(Duration.ofSeconds(15)).withTimeout(timeout);
        try (NettyMesh mesh = NettyMesh.join(new InetSocketAddress(host, port), rank, size, options)) {
            ProcessGroup world = mesh.world();
            say("joined");
            switch (scenario) {
                case "sequence" -> say("done: " + FixedSequence.run(world));
                case "gather" -> {
                    world.barrier();
                    say("waiting");
                    world.allGather(FixedSequence.ramp(rank, 4));
                    say("done: the all-gather completed");
                }
                case "stall" -> {
                    world.barrier();
                    say("stalling");
                    Thread.sleep(Duration.ofMinutes(5));
                }
                case "loop" -> {
                    say("looping");
                    List<Tensor> halves = List.of(FixedSequence.ramp(rank, 780, 1536), FixedSequence.ramp(rank, 780, 1536));
                    while (true) {
                        try (TensorScope scope = TensorScope.open()) {
                            world.allToAll(halves);
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        } catch (ProcessGroupException | IllegalStateException e) {
            say("failed: " + e.getMessage());
            System.exit(3);
        }
        System.exit(0);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
