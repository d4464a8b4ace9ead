package org.jcomfy.server;

import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;

/** What every route family shares: the options, the node catalogue and the node environment. */
public record ServerRuntime(ServerOptions options, NodeRegistry nodes, NodeEnvironment environment) {}
