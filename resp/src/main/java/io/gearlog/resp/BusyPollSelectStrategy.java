package io.gearlog.resp;

import io.gearlog.engine.config.ServerConfig;
import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * Lets a network event loop that was busy a moment ago poll for ready connections for up to {@code busy-poll-us}
 * before it sleeps in epoll_wait. A loop that sleeps between requests has to be woken for the next one, and the
 * client's send pays for that wake-up (on a virtual machine an inter-processor interrupt); a client that answers
 * within microseconds finds the loop still polling. A loop whose previous turn began more than a millisecond ago
 * is idle and goes straight to sleep, so an idle server does not spin. One instance per loop, used on its thread.
 */
final class BusyPollSelectStrategy implements SelectStrategy {
    private static final long IDLE_NANOS = 1_000_000;

    private final ServerConfig config;
    private long lastTurn = Long.MIN_VALUE / 2;

    BusyPollSelectStrategy(ServerConfig config) {
        this.config = config;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return selectNow.get();
        }
        long micros = config.busyPollMicros;
        if (micros <= 0) {
            return SELECT;
        }
        long now = System.nanoTime();
        long previous = lastTurn;
        lastTurn = now;
        if (now - previous > IDLE_NANOS) {
            return SELECT;
        }
        long end = now + micros * 1000;
        do {
            int ready = selectNow.get();
            if (ready > 0) {
                return ready;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - end < 0);
        return SELECT;
    }
}
