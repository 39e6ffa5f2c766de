/**
 * JMH micro-benchmarks of the merge engine and the vector clock. Not tests and not API: run them
 * from the shaded jar with {@code java -cp sync-examples/target/sync-cli.jar org.openjdk.jmh.Main
 * "ApplyBenchmark|VectorClockBenchmark"}; {@code docs/benchmarks.md} has the command, the
 * parameters, the machine and the current figures.
 */
package dev.syncmat.examples.bench.jmh;
