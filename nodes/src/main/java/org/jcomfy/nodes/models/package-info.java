/**
 * The models behind the nodes: {@code models/wan} (the DiT, the UMT5 text encoder, the VAE and the
 * weight reading they share) and {@code models/tokenizer}. The two hooks every model takes, both
 * with a do-nothing default, live here: {@link org.jcomfy.nodes.models.ActivationRecorder} (named
 * intermediates for the golden tests) and {@link org.jcomfy.nodes.models.ProgressListener} (work
 * done, for a node's progress bar).
 */
package org.jcomfy.nodes.models;
