package io.gearlog.engine.gears;

/**
 * StreamReader registrations at work (spec readers.md, StreamReader register): the consumer group
 * {@code __gears_consumer_group__}, batching, failure policies, pausing. Owned by the engine thread.
 */
public final class StreamRegistrations {
    private final GearsService g;

    StreamRegistrations(GearsService g) {
        this.g = g;
    }

    void status(Registration r, String status) {
        if (!status.equals(r.status)) {
            r.status = status;
            g.journalRecord(g.record(GearsRecord.REG_STATUS).i64(r.number).str(status));
        }
    }

    /** RG.PAUSEREGISTRATIONS. */
    public void pause(Registration r) {
        if (Registration.OK.equals(r.status) || Registration.WAITING_FOR_RETRY.equals(r.status)) {
            status(r, Registration.PAUSED);
        }
    }

    /** RG.UNPAUSEREGISTRATIONS. */
    public void unpause(Registration r) {
        status(r, Registration.OK);
    }
}
