package io.gearlog.engine;

/**
 * The only source of wall-clock time for the engine. It is read when a record is created; applying a record
 * uses the time stored in it, so replay sees the same time.
 */
public interface EngineClock {
    long currentTimeMillis();

    long currentTimeMicros();

    EngineClock SYSTEM = new EngineClock() {
        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public long currentTimeMicros() {
            java.time.Instant i = java.time.Instant.now();
            return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
        }
    };
}
