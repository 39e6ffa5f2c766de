package dev.syncmat.jdbi;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that a test sets or steps by hand, for the store's received-at timestamps. */
final class TestClock extends Clock {
    Instant now;

    TestClock(Instant start) {
        this.now = start;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Moves the clock one second on and returns the new time. */
    Instant tick() {
        now = now.plusSeconds(1);
        return now;
    }
}
