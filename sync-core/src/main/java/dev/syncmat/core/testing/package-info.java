/**
 * A test kit for teams verifying merge logic, their own or the library's, in a store, a service
 * or a custom {@link dev.syncmat.core.merge.MergePolicy}:
 * <ul>
 *   <li>{@link dev.syncmat.core.testing.MergePolicyLaws} checks that a policy is a deterministic
 *       total order and reports a shrunk counterexample when it is not;</li>
 *   <li>{@link dev.syncmat.core.testing.CausalHistories} generates realistic offline histories
 *       ({@link dev.syncmat.core.testing.CausalHistory}) from a seed, and
 *       {@link dev.syncmat.core.testing.CausalHistoryArbitraries} as jqwik arbitraries;</li>
 *   <li>{@link dev.syncmat.core.testing.ReferenceModel} is the brute-force materialization for any
 *       policy, independent of the merge engine;</li>
 *   <li>{@link dev.syncmat.core.testing.ConvergenceCheck} delivers a history to a system under test
 *       in many orders, batchings and with duplicates, and compares every result with the model;</li>
 *   <li>{@link dev.syncmat.core.testing.JsonMutations} mutates JSON text for fuzzing readers.</li>
 * </ul>
 * jqwik is an optional dependency of sync-core: only {@code CausalHistoryArbitraries} needs it;
 * everything else runs from plain JUnit or a main method. Unlike the rest of the core, this
 * package draws seeded pseudo-random numbers and, to check determinism across threads, starts
 * threads; it is meant for tests, not for production code paths. See {@code docs/testing.md}.
 */
package dev.syncmat.core.testing;
