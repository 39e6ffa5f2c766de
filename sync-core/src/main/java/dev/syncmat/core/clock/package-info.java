/**
 * Vector clocks: the causal order between ops. {@link dev.syncmat.core.clock.VectorClock} is an
 * immutable value with a four-way {@link dev.syncmat.core.clock.ClockOrder} comparison.
 */
package dev.syncmat.core.clock;
