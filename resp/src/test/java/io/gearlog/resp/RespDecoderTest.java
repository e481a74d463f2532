package io.gearlog.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RESP decoder alone, fed through Netty's EmbeddedChannel: whole, byte by byte, malformed and truncated. */
class RespDecoderTest {
    private final List<ByteBuf> fed = new ArrayList<>();
    private boolean authenticated = true;
    private long maxBulk = 512L * 1024 * 1024;
    private long queryBufferLimit = 1024L * 1024 * 1024;

    private record QueryBufferFull(long bytes, String head) {
    }

    /** What the decoder handed over, in order: argv arrays and protocol errors. */
    private final List<Object> decoded = new ArrayList<>();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new RespDecoder(() -> maxBulk, () -> queryBufferLimit, () -> authenticated,
                new RespDecoder.RequestSink() {
                    @Override
                    public void request(byte[][] argv) {
                        decoded.add(argv);
                    }

                    @Override
                    public void malformed(RespDecoder.ProtocolError error) {
                        decoded.add(error);
                    }

                    @Override
                    public void queryBufferFull(long bytes, String head) {
                        decoded.add(new QueryBufferFull(bytes, head));
                    }
                }));
    }

    private void feed(EmbeddedChannel ch, byte[] bytes) {
        ByteBuf b = Unpooled.copiedBuffer(bytes);
        fed.add(b);
        ch.writeInbound(b);
    }

    /** Takes what the decoder handed over so far; nothing may have gone down the pipeline as a message. */
    private List<Object> drain(EmbeddedChannel ch) {
        assertNull(ch.readInbound(), "the decoder passed a message down the pipeline");
        List<Object> out = new ArrayList<>(decoded);
        decoded.clear();
        return out;
    }

    /** Closes the channel and checks that every buffer handed to the decoder was released. */
    private void finishWithoutLeaks(EmbeddedChannel ch) {
        ch.finishAndReleaseAll();
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt(), "input buffer not released");
        }
    }

    private static String render(Object o) {
        if (o instanceof RespDecoder.ProtocolError e) {
            return "error:" + e.message();
        }
        byte[][] argv = (byte[][]) o;
        List<String> parts = new ArrayList<>();
        for (byte[] a : argv) {
            parts.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return parts.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final String MIXED = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
            + "PING\r\n"
            + "*0\r\n"
            + "\r\n"
            + "*-1\r\n"
            + "  SET  \"a b\" 'c\\'d' \"\\x41\\n\"  \n"
            + "*1\r\n$0\r\n\r\n";

    private static final List<String> MIXED_DECODED = List.of("[SET, k, hello]", "[PING]", "[]", "[]", "[]",
            "[SET, a b, c'd, A\n]", "[]");

    @Test
    void decodesAMixOfRequestsFedWhole() {
        EmbeddedChannel ch = channel();
        feed(ch, bytes(MIXED));
        assertEquals(MIXED_DECODED, drain(ch).stream().map(RespDecoderTest::render).toList());
        finishWithoutLeaks(ch);
    }

    @Test
    void decodesTheSameMixFedOneByteAtATime() {
        EmbeddedChannel ch = channel();
        List<String> got = new ArrayList<>();
        for (byte b : bytes(MIXED)) {
            feed(ch, new byte[]{b});
            drain(ch).forEach(o -> got.add(render(o)));
        }
        assertEquals(MIXED_DECODED, got);
        finishWithoutLeaks(ch);
    }

    @Test
    void repeatedCommandNamesDecodeAsSentWhateverComesBetween() {
        // a repeated name is handed out again: names of the same length and different bytes must not be taken for it
        EmbeddedChannel ch = channel();
        feed(ch, bytes("*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n"
                + "*3\r\n$3\r\nSET\r\n$3\r\nGET\r\n$1\r\nv\r\n*2\r\n$3\r\nget\r\n$1\r\nc\r\n"
                + "*2\r\n$3\r\nGET\r\n$1\r\nd\r\nGET e\r\n*1\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$3\r\nGET\r\n"));
        assertEquals(List.of("[GET, a]", "[GET, b]", "[SET, GET, v]", "[get, c]", "[GET, d]", "[GET, e]", "[]",
                "[GET, GET]"), drain(ch).stream().map(RespDecoderTest::render).toList());
        finishWithoutLeaks(ch);
    }

    @Test
    void largeBulkArrivesInPiecesAndIsCopiedOnce() {
        EmbeddedChannel ch = channel();
        byte[] value = new byte[RespDecoder.STREAM_BULK_AT * 3 + 17];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(bytes("*2\r\n$4\r\nECHO\r\n$" + value.length + "\r\n"));
        req.writeBytes(value);
        req.writeBytes(bytes("\r\n*1\r\n$4\r\nPING\r\n"));
        byte[] all = req.toByteArray();
        for (int off = 0; off < all.length; off += 1000) {
            feed(ch, Arrays.copyOfRange(all, off, Math.min(all.length, off + 1000)));
        }
        List<Object> out = drain(ch);
        assertEquals(2, out.size());
        byte[][] echo = (byte[][]) out.get(0);
        assertArrayEquals(value, echo[1]);
        assertEquals("[PING]", render(out.get(1)));
        finishWithoutLeaks(ch);
    }

    @Test
    void truncatedRequestsWaitForTheRestAndProduceNothing() {
        for (String partial : List.of("*", "*2", "*2\r", "*2\r\n$3", "*2\r\n$3\r\nGE", "*2\r\n$3\r\nGET\r\n$1\r\nk\r",
                "PING", "PING\r", "*1\r\n$100000\r\nabc")) {
            EmbeddedChannel ch = channel();
            feed(ch, bytes(partial));
            assertEquals(List.of(), drain(ch), () -> "decoded something from " + partial);
            finishWithoutLeaks(ch);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*abc\\r\\n|invalid multibulk length",
        "*01\\r\\n|invalid multibulk length",
        "*+1\\r\\n|invalid multibulk length",
        "*2147483648\\r\\n|invalid multibulk length",
        "*99999999999999999999999\\r\\n|invalid multibulk length",
        "*1\\r\\n$-1\\r\\n|invalid bulk length",
        "*1\\r\\n$x\\r\\n|invalid bulk length",
        "*1\\r\\n$03\\r\\nabc\\r\\n|invalid bulk length",
        "*1\\r\\n$536870913\\r\\n|invalid bulk length",
        "*1\\r\\n$999999999999999999\\r\\n|invalid bulk length",
        "*1\\r\\n$9999999999999999999\\r\\n|invalid bulk length",
        "*1\\r\\n$1x\\r\\n|invalid bulk length",
        "*1\\r\\n+PING\\r\\n|expected '$', got '+'",
        "*1\\r\\n$4\\r\\nPINGxx|expected CRLF after bulk data",
        "SET a \"b\\r\\n|unbalanced quotes in request",
        "SET a 'b'c\\r\\n|unbalanced quotes in request",
        "SET a \"b\"c\\r\\n|unbalanced quotes in request",
    })
    void malformedInputIsOneProtocolErrorThenSilence(String input, String message) {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            EmbeddedChannel ch = channel();
            feed(ch, bytes(input.replace("\\r", "\r").replace("\\n", "\n")));
            feed(ch, bytes("*1\r\n$4\r\nPING\r\nPING\r\n"));
            List<Object> out = drain(ch);
            assertEquals(List.of("error:" + message), out.stream().map(RespDecoderTest::render).toList());
            finishWithoutLeaks(ch);
        });
    }

    @Test
    void overlongLinesWithoutTerminatorAreRefused() {
        byte[] inline = new byte[RespDecoder.INLINE_MAX + 1];
        Arrays.fill(inline, (byte) 'a');
        check(inline, "too big inline request");
        byte[] count = new byte[RespDecoder.INLINE_MAX + 2];
        Arrays.fill(count, (byte) '1');
        count[0] = '*';
        check(count, "too big mbulk count string");
        byte[] bulkCount = new byte[RespDecoder.INLINE_MAX + 10];
        Arrays.fill(bulkCount, (byte) '1');
        System.arraycopy(bytes("*1\r\n$"), 0, bulkCount, 0, 5);
        check(bulkCount, "too big bulk count string");
    }

    private void check(byte[] input, String message) {
        EmbeddedChannel ch = channel();
        feed(ch, input);
        assertEquals(List.of("error:" + message), drain(ch).stream().map(RespDecoderTest::render).toList());
        finishWithoutLeaks(ch);
    }

    @Test
    void anInlineLineOfExactlyTheLimitIsAccepted() {
        byte[] line = new byte[RespDecoder.INLINE_MAX];
        Arrays.fill(line, (byte) 'a');
        line[RespDecoder.INLINE_MAX - 1] = '\n';
        EmbeddedChannel ch = channel();
        feed(ch, line);
        List<Object> out = drain(ch);
        assertEquals(1, out.size());
        assertEquals(RespDecoder.INLINE_MAX - 1, ((byte[][]) out.get(0))[0].length);
        finishWithoutLeaks(ch);
    }

    @Test
    void unauthenticatedClientsGetRedisSmallLimits() {
        authenticated = false;
        EmbeddedChannel ch = channel();
        feed(ch, bytes("*10\r\n"));
        assertEquals(List.of(), drain(ch));
        finishWithoutLeaks(ch);
        check(bytes("*11\r\n"), "unauthenticated multibulk length");
        check(bytes("*1\r\n$16385\r\n"), "unauthenticated bulk length");
        EmbeddedChannel ok = channel();
        feed(ok, bytes("*1\r\n$16384\r\n"));
        assertEquals(List.of(), drain(ok));
        finishWithoutLeaks(ok);
    }

    @Test
    void bulkLimitFollowsTheConfiguredProtoMaxBulkLen() {
        maxBulk = 1024 * 1024;
        check(bytes("*1\r\n$1048577\r\n"), "invalid bulk length");
        EmbeddedChannel ch = channel();
        feed(ch, bytes("*1\r\n$1048576\r\n"));
        feed(ch, new byte[1024 * 1024]);
        feed(ch, bytes("\r\n"));
        List<Object> out = drain(ch);
        assertEquals(1, out.size());
        assertEquals(1024 * 1024, ((byte[][]) out.get(0))[0].length);
        finishWithoutLeaks(ch);
    }

    @Test
    void aRequestWhoseUnparsedBytesPassTheQueryBufferLimitStopsDecoding() {
        queryBufferLimit = 100_000;
        EmbeddedChannel ch = channel();
        feed(ch, bytes("PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$200000\r\n"));
        feed(ch, new byte[60_000]);
        assertEquals(List.of("[PING]"), drain(ch).stream().map(RespDecoderTest::render).toList());
        feed(ch, new byte[50_000]);
        // the large bulk's arrived bytes are what it counts, and the log quotes their start
        List<Object> out = drain(ch);
        assertEquals(1, out.size());
        QueryBufferFull full = (QueryBufferFull) out.get(0);
        assertEquals(110_000, full.bytes());
        assertEquals("\"" + "\\x00".repeat(64) + "\"", full.head());
        feed(ch, bytes("*1\r\n$4\r\nPING\r\n"));
        assertEquals(List.of(), drain(ch), "nothing is decoded after the limit was passed");
        finishWithoutLeaks(ch);

        // a bulk too small to be streamed waits in the cumulation buffer, where its bytes count the same way
        queryBufferLimit = 1000;
        ch = channel();
        feed(ch, bytes("*2\r\n$4\r\nECHO\r\n$5000\r\n" + "a\r\tb\"\\".repeat(200)));
        out = drain(ch);
        assertEquals(1, out.size());
        full = (QueryBufferFull) out.get(0);
        assertEquals(1200, full.bytes());
        String quoted = "a\\r\\tb\\\"\\\\";
        assertEquals("\"" + quoted.repeat(10) + "a\\r\\tb\"", full.head());
        finishWithoutLeaks(ch);

        // at the limit a request still decodes
        ch = channel();
        feed(ch, bytes("*2\r\n$4\r\nECHO\r\n$1000\r\n"));
        feed(ch, new byte[1000]);
        feed(ch, bytes("\r\n"));
        assertEquals(1, drain(ch).size());
        finishWithoutLeaks(ch);
    }

    @Test
    void aProtocolErrorAfterGoodRequestsKeepsThem() {
        EmbeddedChannel ch = channel();
        feed(ch, bytes("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n"));
        List<String> out = drain(ch).stream().map(RespDecoderTest::render).toList();
        assertEquals(List.of("[PING]", "[ECHO]", "error:invalid multibulk length"), out);
        finishWithoutLeaks(ch);
    }

    @Test
    void aHugeDeclaredArgumentCountDoesNotAllocateUpFront() {
        EmbeddedChannel ch = channel();
        feed(ch, bytes("*2147483647\r\n$1\r\na\r\n"));
        assertEquals(List.of(), drain(ch));
        assertTrue(ch.isOpen());
        finishWithoutLeaks(ch);
    }

    @Test
    void nulByteEndsAnInlineLineAsInRedis() {
        EmbeddedChannel ch = channel();
        feed(ch, bytes("SET a\0b c\r\n"));
        assertEquals(List.of("[SET, a]"), drain(ch).stream().map(RespDecoderTest::render).toList());
        finishWithoutLeaks(ch);
    }
}
