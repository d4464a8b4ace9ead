package org.jcomfy.nodes.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** Every node found through {@link NodeProvider}s, by class_type, in registration order. */
public final class NodeRegistry {
    private final Map<String, Node> nodes;

    public NodeRegistry(Map<String, Node> nodes) {
        this.nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
    }

    public static NodeRegistry load(ClassLoader loader) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (NodeProvider p : ServiceLoader.load(NodeProvider.class, loader)) {
            for (Node n : p.nodes()) {
                String name = n.schema().name();
                if (nodes.putIfAbsent(name, n) != null) {
                    System.err.println("jcomfy: node '" + name + "' from " + p.getClass().getName()
                            + " is already registered; keeping the first");
                }
            }
        }
        return new NodeRegistry(nodes);
    }

    public static NodeRegistry load() { return load(NodeRegistry.class.getClassLoader()); }

    public Node get(String classType) { return nodes.get(classType); }

    public Map<String, Node> all() { return nodes; }
}
