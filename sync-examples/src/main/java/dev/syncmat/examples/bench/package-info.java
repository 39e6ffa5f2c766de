/**
 * Benchmarks and load: the database-path harness behind {@code sync-cli bench}, the JMH engine
 * benchmarks, and the load driver behind {@code sync-cli soak} and the load tests. Not tests:
 * nothing here asserts a time.
 */
package dev.syncmat.examples.bench;
