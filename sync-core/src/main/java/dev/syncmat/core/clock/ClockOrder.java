package dev.syncmat.core.clock;

/** How two vector clocks relate. Clocks are partially ordered, so there are four answers. */
public enum ClockOrder {
    /** Every counter of this clock is {@code <=} the other's and at least one is smaller: this happened before. */
    BEFORE,
    /** The mirror of {@link #BEFORE}: this clock dominates the other. */
    AFTER,
    /** Same actors with the same counters. */
    EQUAL,
    /** Each clock has a counter the other lacks: neither saw the other. */
    CONCURRENT
}
