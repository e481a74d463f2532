package io.gearlog.resp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands reply bytes from the engine thread to one event loop in batches: one task (and so at most one wake-up of
 * the loop) per batch instead of one per client, and one flush per channel per batch. Producers are the engine
 * thread and the journal sync thread; the queue is drained on the event loop.
 */
final class ReplyWriter implements Runnable {
    /** One reply; {@code bytes} may be null when only closing. */
    private record Write(Channel channel, byte[] bytes, boolean close) {
    }

    private final EventLoop loop;
    private final ConcurrentLinkedQueue<Write> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    // event loop only
    private final Set<Channel> toFlush = Collections.newSetFromMap(new IdentityHashMap<>());

    ReplyWriter(EventLoop loop) {
        this.loop = loop;
    }

    void write(Channel channel, byte[] bytes, boolean close) {
        queue.offer(new Write(channel, bytes, close));
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /**
     * Writes and flushes straight into the channel when called on its event loop with nothing queued before it
     * (the engine runs on that loop): one copy into a pooled direct buffer, no task, no queue node. Returns false
     * when the caller must queue instead.
     */
    boolean writeNow(Channel channel, byte[] buf, int off, int len) {
        if (channel == null || !loop.inEventLoop() || !queue.isEmpty()) {
            return false;
        }
        io.netty.buffer.ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        channel.writeAndFlush(out, channel.voidPromise());
        return true;
    }

    @Override
    public void run() {
        // clear first: a write offered while we drain schedules another run rather than being missed
        scheduled.set(false);
        Write w;
        while ((w = queue.poll()) != null) {
            Channel ch = w.channel();
            if (w.close()) {
                if (w.bytes() == null) {
                    ch.close();
                } else {
                    ch.writeAndFlush(Unpooled.wrappedBuffer(w.bytes())).addListener(ChannelFutureListener.CLOSE);
                }
                continue;
            }
            ch.write(Unpooled.wrappedBuffer(w.bytes()), ch.voidPromise());
            toFlush.add(ch);
        }
        for (Channel ch : toFlush) {
            ch.flush();
        }
        toFlush.clear();
    }
}
