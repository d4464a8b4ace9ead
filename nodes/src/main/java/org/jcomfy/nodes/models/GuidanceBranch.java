package org.jcomfy.nodes.models;

/**
 * Which conditioning a model call evaluates. Classifier-free guidance calls the model once per
 * branch per step, and the two predictions change differently from step to step, so anything
 * that carries state across steps (a DiT cache) keeps one state per branch.
 */
public enum GuidanceBranch { COND, UNCOND }
