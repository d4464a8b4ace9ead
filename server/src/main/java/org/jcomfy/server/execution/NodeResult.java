package org.jcomfy.server.execution;

import java.util.List;
import java.util.Map;

/**
 * What one node produced in a prompt: per output slot the list of values (ComfyUI keeps every
 * output as a list, §6.6), and the merged UI payload (null when the node shows nothing).
 */
record NodeResult(List<List<Object>> outputs, Map<String, List<Object>> ui) {}
