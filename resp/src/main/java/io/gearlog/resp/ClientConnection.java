package io.gearlog.resp;

import io.gearlog.engine.Client;
import io.gearlog.engine.ClientOutbound;
import io.gearlog.engine.Engine;
import io.gearlog.engine.ServerLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection on a Netty event loop: gathers the commands decoded from one read, hands them to the
 * engine as a batch, and writes back the reply bytes the engine sends. Reading pauses while too many commands
 * wait in the engine (flow control for huge pipelines).
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ClientOutbound, RespDecoder.RequestSink {
    private static final AtomicLong IDS = new AtomicLong();
    private static final int PAUSE_AT = 8192;
    private static final int RESUME_AT = 1024;

    private final Engine engine;
    private final GearlogServer server;
    private final Client client;
    private final AtomicInteger inFlight = new AtomicInteger();
    private Channel channel;
    private ReplyWriter writer;
    private List<byte[][]> batch = new ArrayList<>();
    private String protocolError;
    private String remote = "?:0";
    private String local = "?:0";
    private boolean admitted;

    ClientConnection(Engine engine, GearlogServer server) {
        this.engine = engine;
        this.server = server;
        this.client = new Client(IDS.incrementAndGet(), this);
    }

    Client client() {
        return client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        writer = server.writer(channel.eventLoop());
        remote = format(channel.remoteAddress());
        local = format(channel.localAddress());
        if (!server.admit(this)) {
            ctx.writeAndFlush(Unpooled.copiedBuffer("-ERR max number of clients reached\r\n".getBytes()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        admitted = true;
        engine.connect(client);
    }

    private static String format(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    @Override
    public void request(byte[][] argv) {
        if (argv.length > 0) {
            batch.add(argv);
        }
    }

    @Override
    public void malformed(RespDecoder.ProtocolError e) {
        protocolError = "Protocol error: " + e.message();
    }

    @Override
    public void queryBufferFull(long bytes, String head) {
        // as redis-server: no reply, none of this read's requests run, and the log names the client
        batch.clear();
        ServerLog.warning("Closing client that reached max query buffer length: id=" + client.id + " addr=" + remote
                + " laddr=" + local + " qbuf=" + bytes + " (qbuf initial bytes: " + head + ")");
        channel.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (batch.isEmpty() && protocolError == null) {
            return;
        }
        List<byte[][]> b = batch;
        int n = inFlight.addAndGet(b.size());
        if (engine.commands(client, b, protocolError == null ? null : protocolError.substring("Protocol error: ".length()))) {
            b.clear();
        } else {
            batch = new ArrayList<>();
        }
        protocolError = null;
        if (n > PAUSE_AT) {
            ctx.channel().config().setAutoRead(false);
            // the engine may have drained the batch before reading was off, when processed() saw nothing to resume
            if (inFlight.get() <= RESUME_AT) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    @Override
    public void processed(int commands) {
        int n = inFlight.addAndGet(-commands);
        if (n <= RESUME_AT && channel != null && !channel.config().isAutoRead()) {
            channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            server.release(this);
            engine.disconnect(client);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void send(byte[] bytes) {
        writer.write(channel, bytes, false);
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (!writer.writeNow(channel, buf, off, len)) {
            ClientOutbound.super.send(buf, off, len);
        }
    }

    @Override
    public void sendAndClose(byte[] bytes) {
        writer.write(channel, bytes, true);
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public String localAddress() {
        return local;
    }
}
