package org.jcomfy.backend.parallel.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces on a bridge, so that ranks in separate JVMs really cross network interfaces:
 * the host side holds the bridge at {@code 10.231.S.1}, namespace i sits at {@code 10.231.S.(i+1)}
 * behind a veth pair whose host end is on the bridge. Needs root and iproute2; {@link #create}
 * says why not where the machine does not allow it. Names and subnet carry this JVM's pid, so
 * concurrent runs do not meet.
 */
final class NetworkNamespaces implements AutoCloseable {
    final String bridge;
    final String subnet;   // "10.231.S"
    private final String tag;
    private final int count;

    private NetworkNamespaces(int count) {
        long pid = ProcessHandle.current().pid();
        this.tag = Long.toString(pid % 100_000);
        this.bridge = "jcb" + tag;
        this.subnet = "10.231." + (pid % 250 + 1);
        this.count = count;
    }

    /** Makes {@code count} namespaces; on failure undoes what it did and throws with the command's output. */
    static NetworkNamespaces create(int count) throws IOException, InterruptedException {
        NetworkNamespaces n = new NetworkNamespaces(count);
        try {
            n.ip("link", "add", n.bridge, "type", "bridge");
            n.ip("addr", "add", n.subnet + ".1/24", "dev", n.bridge);
            n.ip("link", "set", n.bridge, "up");
            for (int i = 1; i <= count; i++) {
                String ns = n.namespace(i), host = n.hostEnd(i), inside = "jcv" + n.tag + i + "n";
                n.ip("netns", "add", ns);
                n.ip("link", "add", host, "type", "veth", "peer", "name", inside);
                n.ip("link", "set", host, "master", n.bridge);
                n.ip("link", "set", host, "up");
                n.ip("link", "set", inside, "netns", ns);
                n.ip("netns", "exec", ns, "ip", "addr", "add", n.address(i) + "/24", "dev", inside);
                n.ip("netns", "exec", ns, "ip", "link", "set", inside, "up");
                n.ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
            }
            return n;
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    String namespace(int i) { return "jcn" + tag + i; }

    String hostEnd(int i) { return "jcv" + tag + i + "h"; }

    String address(int i) { return subnet + "." + (i + 1); }

    String hostAddress() { return subnet + ".1"; }

    /** The command prefix that runs a program inside namespace i. */
    List<String> inside(int i) { return List.of("ip", "netns", "exec", namespace(i)); }

    /** Cuts namespace i off the bridge: its packets go nowhere, and no connection is told. */
    void unplug(int i) throws IOException, InterruptedException {
        ip("link", "set", hostEnd(i), "down");
    }

    void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", command) + ": " + out);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (int i = 1; i <= count; i++) {
            quietly("link", "del", hostEnd(i));   // both ends of the pair; a namespace a dying process still holds would keep it
            quietly("netns", "del", namespace(i));
        }
        quietly("link", "del", bridge);
    }

    private void quietly(String... args) throws InterruptedException {
        try {
            ip(args);
        } catch (IOException ignored) {
            // not made, or already gone
        }
    }
}
