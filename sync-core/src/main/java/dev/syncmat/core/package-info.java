/**
 * The library's pure core: no I/O, no clocks, no randomness (except in the test kit,
 * {@link dev.syncmat.core.testing}, which draws seeded pseudo-random numbers for tests). The root
 * package holds what every
 * other package shares: the exception root {@link dev.syncmat.core.SyncException}, the
 * {@link dev.syncmat.core.Limits} on input sizes and the {@link dev.syncmat.core.Utf8Order} used for
 * every string comparison.
 */
package dev.syncmat.core;
