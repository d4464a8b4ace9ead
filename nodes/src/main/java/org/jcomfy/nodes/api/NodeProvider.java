package org.jcomfy.nodes.api;

import java.util.List;

/**
 * Lists the nodes of one package. Found with {@link java.util.ServiceLoader}, so a jar in
 * {@code custom_nodes/} adds nodes the way a Python custom-node pack does.
 */
public interface NodeProvider {
    List<Node> nodes();
}
