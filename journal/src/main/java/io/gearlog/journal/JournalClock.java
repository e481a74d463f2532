package io.gearlog.journal;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The wall clock Chronicle reads to choose the cycle file of every record it appends. The engine reads the wall
 * clock once per batch of commands anyway and lends that reading here for the batch, so Chronicle's read is a field
 * load instead of a clock call (about 3% of a pipelined write on the event loop). Outside a batch it is the system
 * clock. A held reading is at most one batch old, so a record written across midnight may land in the cycle
 * before by that much; readers follow records, not cycles, so nothing else notices.
 */
final class JournalClock implements TimeProvider {
    private volatile long held;

    @Override
    public long currentTimeMillis() {
        long h = held;
        return h != 0 ? h : System.currentTimeMillis();
    }

    void hold(long millis) {
        held = millis;
    }

    void release() {
        held = 0;
    }
}
