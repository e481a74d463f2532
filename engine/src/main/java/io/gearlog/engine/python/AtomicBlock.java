package io.gearlog.engine.python;

import io.gearlog.engine.Engine;
import io.gearlog.engine.ServerLog;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code with atomic():} — the engine thread serves only this worker's requests until the block ends, so the
 * commands inside are atomic like under RedisGears' server lock. The engine waits in {@link #serve}; a block held
 * longer than {@link #LIMIT_MILLIS} gets its Python interrupted (the engine then serves everyone again once the
 * worker leaves the block). Created and closed by the worker; {@link #serve} runs on the engine thread.
 */
final class AtomicBlock {
    static final long LIMIT_MILLIS = 5_000;
    private static final Runnable EXIT = () -> {
    };

    private final Worker worker;
    private final LinkedBlockingQueue<Runnable> requests = new LinkedBlockingQueue<>();

    AtomicBlock(Worker worker) {
        this.worker = worker;
    }

    void enter() {
        CompletableFuture<Void> entered = new CompletableFuture<>();
        worker.engine().execute(() -> {
            entered.complete(null);
            serve();
        });
        worker.await(entered);
    }

    private void serve() {
        long started = System.nanoTime();
        boolean interrupted = false;
        Object token = worker.running;
        while (!worker.rt.stopped) {
            Runnable r;
            try {
                r = requests.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (r == EXIT) {
                return;
            }
            if (r != null) {
                r.run();
            } else if (!interrupted && System.nanoTime() - started > LIMIT_MILLIS * 1_000_000L && token != null) {
                interrupted = true;
                ServerLog.warning("atomic() block held the server for more than " + LIMIT_MILLIS + " ms; interrupting it");
                worker.rt.interrupt(worker, token, "atomic() block held the server for more than " + LIMIT_MILLIS + " ms");
            }
        }
    }

    <T> T call(Function<Engine, T> f) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Engine e = worker.engine();
        requests.add(() -> {
            try {
                cf.complete(f.apply(e));
            } catch (Throwable t) {
                cf.completeExceptionally(t);
            }
        });
        return worker.await(cf);
    }

    void exit() {
        requests.add(EXIT);
    }
}
