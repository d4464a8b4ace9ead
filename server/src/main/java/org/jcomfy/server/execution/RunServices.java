package org.jcomfy.server.execution;

import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;

/**
 * What every prompt run works with and outlives it: the node catalogue and environment, the output
 * cache, the client sessions events go to, the interrupt flag, and the server's default preview method.
 */
record RunServices(NodeRegistry registry, NodeEnvironment environment, OutputCache cache, ClientSessions sessions,
                   InterruptFlag interrupt, String defaultPreviewMethod) {}
