/**
 * The JSON wire forms of ops, clocks and materialized objects:
 * {@link dev.syncmat.core.json.SyncJson}.
 */
package dev.syncmat.core.json;
