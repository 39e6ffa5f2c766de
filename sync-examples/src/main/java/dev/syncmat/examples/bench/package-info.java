/**
 * Benchmarks: the database-path harness behind {@code sync-cli bench}, and the JMH engine
 * benchmarks. Not tests: nothing here asserts a time.
 */
package dev.syncmat.examples.bench;
