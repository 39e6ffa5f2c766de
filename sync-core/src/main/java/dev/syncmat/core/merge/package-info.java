/**
 * The merge: {@link dev.syncmat.core.merge.MergeEngine} applies ops to
 * {@link dev.syncmat.core.merge.ObjectState}s deterministically, ranking heads with a
 * {@link dev.syncmat.core.merge.MergePolicy}; {@link dev.syncmat.core.merge.Materializer} runs it
 * over many objects in memory.
 */
package dev.syncmat.core.merge;
