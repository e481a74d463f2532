package io.gearlog.resp;

import io.gearlog.engine.Client;
import io.gearlog.engine.Engine;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The TCP listener: Netty event loops that decode RESP and hand commands to the engine. */
public final class GearlogServer implements AutoCloseable {
    /**
     * Fewest bytes asked for per socket read. Netty's adaptive size otherwise shrinks toward the last reads, and a
     * read that exactly fills its buffer is followed by one more that finds nothing: with a pipelined batch whose
     * size is one of its steps (16 PINGs, 224 bytes) that was every ninth batch. Large requests still grow it to
     * {@link #MAX_READ_BYTES}.
     */
    static final int MIN_READ_BYTES = 16 * 1024;
    static final int MAX_READ_BYTES = 64 * 1024;

    private final Engine engine;
    private final ServerConfig config;
    private final AtomicInteger connected = new AtomicInteger();
    /** Bytes read from clients since the engine last took them into INFO's total_net_input_bytes. */
    private final LongAdder inputBytes = new LongAdder();
    private final ChannelInboundHandlerAdapter inputCounter = new InputCounter();
    private final java.util.concurrent.ConcurrentHashMap<EventLoop, ReplyWriter> writers =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Counts request bytes for INFO; shared by all connections. */
    @ChannelHandler.Sharable
    private final class InputCounter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                inputBytes.add(b.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel listener;
    private String transport;

    public GearlogServer(Engine engine, ServerConfig config) {
        this.engine = engine;
        this.config = config;
    }

    private boolean epoll;
    private EventLoop engineLoop;

    private void openLoops() {
        if (workers != null) {
            return;
        }
        epoll = Epoll.isAvailable();
        // the loops that serve connections poll a moment before sleeping; the accepting loop just sleeps
        SelectStrategyFactory polling = () -> new BusyPollSelectStrategy(config);
        IoHandlerFactory serving = epoll ? EpollIoHandler.newFactory(0, polling)
                : NioIoHandler.newFactory(SelectorProvider.provider(), polling);
        IoHandlerFactory accepting = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        transport = epoll ? "epoll" : "nio";
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        boss = new MultiThreadIoEventLoopGroup(1, accepting);
        workers = new MultiThreadIoEventLoopGroup(threads, serving);
        engineLoop = workers.next();
    }

    /**
     * The event loop the engine runs on (started before {@link #start}): its connections talk to the engine
     * without a thread hand-off. With one network thread, the default on up to three cores, that is all of them.
     */
    public EventLoop engineLoop() {
        openLoops();
        return engineLoop;
    }

    /** Binds and starts accepting; returns the bound port. */
    public int start() throws InterruptedException {
        openLoops();
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 511)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(MIN_READ_BYTES, MIN_READ_BYTES, MAX_READ_BYTES))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ClientConnection conn = new ClientConnection(engine, GearlogServer.this);
                        RespDecoder decoder = new RespDecoder(() -> config.protoMaxBulkLen,
                                () -> config.clientQueryBufferLimit,
                                () -> conn.client().authHint || config.requirepass.isEmpty(), conn);
                        ch.pipeline().addLast(inputCounter, decoder, conn);
                    }
                });
        engine.execute(() -> {
            engine.addTimer(1000, this::closeIdleClients);
            engine.addTimer(100, () -> engine.stats().netInputBytes += inputBytes.sumThenReset());
        });
        listener = b.bind(new InetSocketAddress(config.bind, config.port)).sync().channel();
        int bound = ((InetSocketAddress) listener.localAddress()).getPort();
        // port 0 asks for any free port: INFO and CONFIG GET report the one the listener got
        config.port = bound;
        return bound;
    }

    /** The {@code timeout} setting: closes clients idle that long, except subscribers and blocked clients. Engine thread. */
    private void closeIdleClients() {
        long timeout = config.timeout;
        if (timeout <= 0) {
            return;
        }
        long now = engine.clock().currentTimeMillis();
        for (Client c : engine.clients().values()) {
            if (!c.closing && !c.inPubSub() && c.blocked == null && now - c.lastInteraction > timeout * 1000) {
                ServerLog.verbose("Closing idle client id=" + c.id);
                c.closing = true;
                engine.markDirty(c);
            }
        }
    }

    public String transport() {
        return transport;
    }

    /** The reply writer of an event loop (one per loop, shared by its connections). */
    ReplyWriter writer(EventLoop loop) {
        return writers.computeIfAbsent(loop, ReplyWriter::new);
    }

    boolean admit(ClientConnection c) {
        if (connected.incrementAndGet() > config.maxclients) {
            connected.decrementAndGet();
            return false;
        }
        return true;
    }

    void release(ClientConnection c) {
        connected.decrementAndGet();
    }

    /** Stops accepting new connections. */
    public void closeListener() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
    }

    @Override
    public void close() {
        closeListener();
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
