/**
 * DiT acceleration as MODEL patches: cache policies decide, per model call of a denoising run,
 * which blocks the DiT computes ({@link org.jcomfy.nodes.models.BlockLoop}); their state lives in
 * the run, one per guidance branch.
 */
package org.jcomfy.nodes.acceleration;
