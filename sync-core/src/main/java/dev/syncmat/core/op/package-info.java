/**
 * Ops, the unit clients send: {@link dev.syncmat.core.op.Op} with its canonical
 * {@link dev.syncmat.core.op.Payload}, and {@link dev.syncmat.core.op.InvalidOpException} for ops
 * that break the rules.
 */
package dev.syncmat.core.op;
