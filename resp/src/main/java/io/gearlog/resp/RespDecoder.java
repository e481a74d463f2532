package io.gearlog.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Decodes RESP requests (multibulk and inline) into argv arrays, incrementally: a request split across reads
 * resumes where it stopped. Emits {@code byte[][]} per command and a {@link ProtocolError} for a malformed
 * request, after which it discards all further input (the connection is closed once earlier replies are out).
 */
public final class RespDecoder extends ByteToMessageDecoder {
    /** A malformed request; the message follows Redis' "Protocol error: ..." texts. */
    public record ProtocolError(String message) {
    }

    static final int INLINE_MAX = 64 * 1024;
    private static final int MAX_ARGS = Integer.MAX_VALUE;

    private final LongSupplier maxBulk;
    private final BooleanSupplier authenticated;
    private boolean failed;

    // multibulk state
    private int argsLeft = -1;
    private List<byte[]> args;
    private long bulkLen = -1;

    public RespDecoder(LongSupplier maxBulk, BooleanSupplier authenticated) {
        this.maxBulk = maxBulk;
        this.authenticated = authenticated;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            Object r = decodeOne(in);
            if (r == null) {
                return;
            }
            out.add(r);
            if (r instanceof ProtocolError) {
                failed = true;
                in.skipBytes(in.readableBytes());
                return;
            }
        }
    }

    /** Decodes one request if complete; returns null when more bytes are needed. Visible for tests. */
    Object decodeOne(ByteBuf in) {
        if (argsLeft < 0) {
            byte first = in.getByte(in.readerIndex());
            if (first != '*') {
                return inline(in);
            }
            int eol = findCrlf(in, in.readerIndex());
            if (eol < 0) {
                if (in.readableBytes() > INLINE_MAX) {
                    return new ProtocolError("too big mbulk count string");
                }
                return null;
            }
            Long n = parseNumber(in, in.readerIndex() + 1, eol);
            if (n == null || n > MAX_ARGS) {
                return new ProtocolError("invalid multibulk length");
            }
            if (n > 10 && !authenticated.getAsBoolean()) {
                return new ProtocolError("unauthenticated multibulk length");
            }
            in.readerIndex(eol + 2);
            if (n <= 0) {
                return EMPTY;
            }
            argsLeft = n.intValue();
            args = new ArrayList<>(Math.min(argsLeft, 1024));
        }
        while (argsLeft > 0) {
            if (bulkLen < 0) {
                if (!in.isReadable()) {
                    return null;
                }
                byte b = in.getByte(in.readerIndex());
                if (b != '$') {
                    return new ProtocolError("expected '$', got '" + (char) (b & 0xff) + "'");
                }
                int eol = findCrlf(in, in.readerIndex());
                if (eol < 0) {
                    if (in.readableBytes() > INLINE_MAX) {
                        return new ProtocolError("too big bulk count string");
                    }
                    return null;
                }
                Long len = parseNumber(in, in.readerIndex() + 1, eol);
                if (len == null || len < 0 || len > maxBulk.getAsLong()) {
                    return new ProtocolError("invalid bulk length");
                }
                if (len > 16384 && !authenticated.getAsBoolean()) {
                    return new ProtocolError("unauthenticated bulk length");
                }
                in.readerIndex(eol + 2);
                bulkLen = len;
            }
            if (in.readableBytes() < bulkLen + 2) {
                return null;
            }
            byte[] arg = new byte[(int) bulkLen];
            in.readBytes(arg);
            if (in.readByte() != '\r' | in.readByte() != '\n') {
                return new ProtocolError("expected CRLF after bulk data");
            }
            args.add(arg);
            bulkLen = -1;
            argsLeft--;
        }
        byte[][] argv = args.toArray(new byte[0][]);
        args = null;
        argsLeft = -1;
        return argv;
    }

    /** Marker for an empty request (*0), which gets no reply. */
    static final byte[][] EMPTY = new byte[0][];

    private Object inline(ByteBuf in) {
        int start = in.readerIndex();
        int nl = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                return new ProtocolError("too big inline request");
            }
            return null;
        }
        int end = nl;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(nl + 1);
        List<byte[]> parts = InlineParser.split(line);
        if (parts == null) {
            return new ProtocolError("unbalanced quotes in request");
        }
        return parts.toArray(new byte[0][]);
    }

    /** Index of the '\r' ending the line that starts at {@code from}, or -1 when the line is incomplete. */
    private static int findCrlf(ByteBuf in, int from) {
        int cr = in.indexOf(from, in.writerIndex(), (byte) '\r');
        if (cr < 0 || cr + 1 >= in.writerIndex()) {
            return -1;
        }
        return cr;
    }

    private static Long parseNumber(ByteBuf in, int from, int to) {
        if (to <= from || to - from > 20) {
            return null;
        }
        boolean neg = false;
        int i = from;
        if (in.getByte(i) == '-') {
            neg = true;
            i++;
            if (i == to) {
                return null;
            }
        }
        long v = 0;
        for (; i < to; i++) {
            int c = in.getByte(i) - '0';
            if (c < 0 || c > 9) {
                return null;
            }
            if (v > (Long.MAX_VALUE - c) / 10) {
                return null;
            }
            v = v * 10 + c;
        }
        return neg ? -v : v;
    }
}
