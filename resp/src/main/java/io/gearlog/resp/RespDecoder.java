package io.gearlog.resp;

import io.gearlog.journal.JournalRecord;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Decodes RESP requests (multibulk and inline) into argv arrays, incrementally: a request split across reads
 * resumes where it stopped. Hands each command to its {@link RequestSink} as a {@code byte[][]}, and a malformed
 * request as a {@link ProtocolError}, after which it discards all further input (the connection is closed once
 * earlier replies are out). Limits and error texts are Redis 7.0's. Owned by the channel's event loop.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    /** A malformed request; the message follows Redis' "Protocol error: ..." texts. */
    public record ProtocolError(String message) {
    }

    /**
     * Takes the decoded requests of a read, in order, on the channel's event loop. Handed straight over rather than
     * passed down the pipeline as messages, which cost a pipeline hop per request.
     */
    public interface RequestSink {
        /** One request; an empty array for a request that gets no reply ({@code *0}, a blank line). */
        void request(byte[][] argv);

        /** A malformed request: nothing more is decoded on this channel. */
        void malformed(ProtocolError error);

        /**
         * The request being received holds more unparsed bytes than {@code client-query-buffer-limit}: nothing more
         * is decoded on this channel. {@code head} is the start of those bytes, quoted for the log.
         */
        void queryBufferFull(long bytes, String head);
    }

    /** Longest inline request, and longest count line of a multibulk, as PROTO_INLINE_MAX_SIZE. */
    static final int INLINE_MAX = 64 * 1024;
    /** Bulks at least this long are copied out as they arrive instead of waiting in the cumulation buffer. */
    static final int STREAM_BULK_AT = 32 * 1024;
    private static final int UNAUTHENTICATED_MAX_ARGS = 10;
    private static final int UNAUTHENTICATED_MAX_BULK = 16384;

    /** Marker for an empty request ({@code *0} or a blank inline line), which gets no reply. */
    static final byte[][] EMPTY = new byte[0][];

    private final LongSupplier maxBulk;
    private final LongSupplier queryBufferLimit;
    private final BooleanSupplier authenticated;
    private final RequestSink sink;
    private boolean failed;

    // multibulk in progress: argsLeft < 0 means between requests
    private int argsLeft = -1;
    private byte[][] args;
    private int argCount;
    private long bulkLen = -1;
    /**
     * The last command name decoded, handed out again while a connection repeats it (a pipeline usually does), which
     * spares an allocation per command; argument arrays are never written to once decoded.
     */
    private byte[] name;
    private static final int NAME_MAX = 32;
    // a large bulk being filled as its bytes arrive
    private byte[] bulk;
    private int bulkFilled;

    public RespDecoder(LongSupplier maxBulk, LongSupplier queryBufferLimit, BooleanSupplier authenticated,
            RequestSink sink) {
        this.maxBulk = maxBulk;
        this.queryBufferLimit = queryBufferLimit;
        this.authenticated = authenticated;
        this.sink = sink;
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
                // as redis-server's query buffer: the unparsed bytes of the request being received, a large bulk's
                // arrived bytes included
                long pending = in.readableBytes() + (bulk != null ? bulkFilled : 0L);
                if (pending > queryBufferLimit.getAsLong()) {
                    byte[] start;
                    if (bulk != null) {
                        start = Arrays.copyOf(bulk, Math.min(bulkFilled, QUOTED_HEAD));
                    } else {
                        start = new byte[Math.min(in.readableBytes(), QUOTED_HEAD)];
                        in.getBytes(in.readerIndex(), start);
                    }
                    String head = JournalRecord.quote(start);
                    failed = true;
                    args = null;
                    bulk = null;
                    in.skipBytes(in.readableBytes());
                    sink.queryBufferFull(pending, head);
                }
                return;
            }
            if (r instanceof ProtocolError e) {
                failed = true;
                args = null;
                bulk = null;
                in.skipBytes(in.readableBytes());
                sink.malformed(e);
                return;
            }
            sink.request((byte[][]) r);
        }
    }

    /** Decodes one request if complete; returns null when more bytes are needed. Visible for tests. */
    Object decodeOne(ByteBuf in) {
        if (argsLeft < 0) {
            if (in.getByte(in.readerIndex()) != '*') {
                return inline(in);
            }
            int eol = findCrlf(in);
            if (eol < 0) {
                return in.readableBytes() > INLINE_MAX ? new ProtocolError("too big mbulk count string") : null;
            }
            long n = parseNumber(in, in.readerIndex() + 1, eol);
            if (n == BAD_NUMBER || n > Integer.MAX_VALUE) {
                return new ProtocolError("invalid multibulk length");
            }
            if (n > UNAUTHENTICATED_MAX_ARGS && !authenticated.getAsBoolean()) {
                return new ProtocolError("unauthenticated multibulk length");
            }
            in.readerIndex(eol + 2);
            if (n <= 0) {
                return EMPTY;
            }
            argsLeft = (int) n;
            args = new byte[Math.min(argsLeft, 1024)][];
            argCount = 0;
        }
        while (argsLeft > 0) {
            if (bulkLen < 0) {
                if (!in.isReadable()) {
                    return null;
                }
                int eol = findCrlf(in);
                if (eol < 0) {
                    return in.readableBytes() > INLINE_MAX ? new ProtocolError("too big bulk count string") : null;
                }
                byte b = in.getByte(in.readerIndex());
                if (b != '$') {
                    return new ProtocolError("expected '$', got '" + (char) (b & 0xff) + "'");
                }
                long len = parseNumber(in, in.readerIndex() + 1, eol);
                if (len < 0 || len > maxBulk.getAsLong() || len > Integer.MAX_VALUE - 8) {
                    return new ProtocolError("invalid bulk length");
                }
                if (len > UNAUTHENTICATED_MAX_BULK && !authenticated.getAsBoolean()) {
                    return new ProtocolError("unauthenticated bulk length");
                }
                in.readerIndex(eol + 2);
                bulkLen = len;
                if (len >= STREAM_BULK_AT) {
                    bulk = new byte[(int) len];
                    bulkFilled = 0;
                }
            }
            byte[] arg;
            if (bulk != null) {
                // copy what has arrived so the cumulation buffer never holds a whole large value
                int n = Math.min(in.readableBytes(), bulk.length - bulkFilled);
                in.readBytes(bulk, bulkFilled, n);
                bulkFilled += n;
                if (bulkFilled < bulk.length || in.readableBytes() < 2) {
                    return null;
                }
                arg = bulk;
                bulk = null;
            } else {
                if (in.readableBytes() < bulkLen + 2) {
                    return null;
                }
                int n = (int) bulkLen;
                if (argCount == 0 && name != null && name.length == n && sameBytes(in, name)) {
                    arg = name;
                    in.skipBytes(n);
                } else {
                    arg = new byte[n];
                    in.readBytes(arg);
                    if (argCount == 0 && n <= NAME_MAX) {
                        name = arg;
                    }
                }
            }
            if (in.readByte() != '\r' | in.readByte() != '\n') {
                return new ProtocolError("expected CRLF after bulk data");
            }
            if (argCount == args.length) {
                args = Arrays.copyOf(args, (int) Math.min((long) args.length * 2, argCount + (long) argsLeft));
            }
            args[argCount++] = arg;
            bulkLen = -1;
            argsLeft--;
        }
        byte[][] argv = args.length == argCount ? args : Arrays.copyOf(args, argCount);
        args = null;
        argsLeft = -1;
        return argv;
    }

    /** Bytes of a request quoted in the log line of a client over its query buffer limit, as redis-server logs. */
    private static final int QUOTED_HEAD = 64;

    /** Whether the next {@code b.length} readable bytes of {@code in} are {@code b}. */
    private static boolean sameBytes(ByteBuf in, byte[] b) {
        int at = in.readerIndex();
        for (int i = 0; i < b.length; i++) {
            if (in.getByte(at + i) != b[i]) {
                return false;
            }
        }
        return true;
    }

    private Object inline(ByteBuf in) {
        int start = in.readerIndex();
        int nl = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            return in.readableBytes() > INLINE_MAX ? new ProtocolError("too big inline request") : null;
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
        return parts.isEmpty() ? EMPTY : parts.toArray(new byte[0][]);
    }

    /** Index of the '\r' ending the line at the reader index, or -1 while the "\r\n" has not fully arrived. */
    private static int findCrlf(ByteBuf in) {
        int cr = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
        if (cr < 0 || cr + 1 >= in.writerIndex()) {
            return -1;
        }
        return cr;
    }

    /**
     * What {@link #parseNumber} returns for text that is not a number. The number Long.MIN_VALUE comes back as
     * MIN_VALUE + 1: every caller treats all negative counts and lengths alike.
     */
    static final long BAD_NUMBER = Long.MIN_VALUE;

    /** A strict decimal (Redis' string2ll: no '+', no leading zeros, no spaces), or {@link #BAD_NUMBER}. */
    private static long parseNumber(ByteBuf in, int from, int to) {
        int n = to - from;
        if (n <= 0 || n > 20) {
            return BAD_NUMBER;
        }
        int i = from;
        boolean neg = in.getByte(i) == '-';
        if (neg && ++i == to) {
            return BAD_NUMBER;
        }
        byte first = in.getByte(i);
        if (first == '0') {
            return (i + 1 == to && !neg) ? 0L : BAD_NUMBER;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return BAD_NUMBER;
            }
            // accumulate negatively so that Long.MIN_VALUE fits
            if (v < (Long.MIN_VALUE + d) / 10) {
                return BAD_NUMBER;
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return BAD_NUMBER;
            }
            v = -v;
        }
        return v == BAD_NUMBER ? v + 1 : v;
    }
}
