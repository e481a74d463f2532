package io.gearlog.engine.reply;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The RESP3 shapes and their RESP2 fallbacks, byte for byte as Redis 7.0 writes them. */
class ReplyBufferTest {

    private static String render(int protocol, java.util.function.Consumer<ReplyBuffer> write) {
        ReplyBuffer r = new ReplyBuffer();
        r.protocol(protocol);
        write.accept(r);
        return new String(r.copy(), StandardCharsets.UTF_8);
    }

    @Test
    void doubles() {
        assertEquals(",1.5\r\n", render(3, r -> r.dbl(1.5)));
        assertEquals("$3\r\n1.5\r\n", render(2, r -> r.dbl(1.5)));
        assertEquals(",3\r\n", render(3, r -> r.dbl(3.0)));
        assertEquals(",inf\r\n", render(3, r -> r.dbl(Double.POSITIVE_INFINITY)));
        assertEquals(",-inf\r\n", render(3, r -> r.dbl(Double.NEGATIVE_INFINITY)));
        assertEquals("$4\r\n-inf\r\n", render(2, r -> r.dbl(Double.NEGATIVE_INFINITY)));
        // Redis 7.0 writes doubles with %.17g (ZSCORE of 0.1 is 0.10000000000000001)
        assertEquals(",0.10000000000000001\r\n", render(3, r -> r.dbl(0.1)));
        assertEquals("$19\r\n0.10000000000000001\r\n", render(2, r -> r.dbl(0.1)));
        assertEquals(",1e+20\r\n", render(3, r -> r.dbl(1e20)));
    }

    @Test
    void mapsSetsPushesAndNulls() {
        assertEquals("%1\r\n$1\r\nk\r\n:1\r\n", render(3, r -> {
            r.map(1);
            r.bulk("k");
            r.integer(1);
        }));
        assertEquals("*2\r\n$1\r\nk\r\n:1\r\n", render(2, r -> {
            r.map(1);
            r.bulk("k");
            r.integer(1);
        }));
        assertEquals("~1\r\n+a\r\n", render(3, r -> {
            r.set(1);
            r.simple("a");
        }));
        assertEquals("*1\r\n+a\r\n", render(2, r -> {
            r.set(1);
            r.simple("a");
        }));
        assertEquals(">0\r\n", render(3, r -> r.push(0)));
        assertEquals("*0\r\n", render(2, r -> r.push(0)));
        assertEquals("_\r\n", render(3, ReplyBuffer::nullBulk));
        assertEquals("_\r\n", render(3, ReplyBuffer::nullArray));
        assertEquals("$-1\r\n", render(2, ReplyBuffer::nullBulk));
        assertEquals("*-1\r\n", render(2, ReplyBuffer::nullArray));
        assertEquals("#t\r\n", render(3, r -> r.bool(true)));
        assertEquals(":0\r\n", render(2, r -> r.bool(false)));
        assertEquals("=7\r\ntxt:abc\r\n", render(3, r -> r.verbatim("abc")));
        assertEquals("$3\r\nabc\r\n", render(2, r -> r.verbatim("abc")));
    }

    @Test
    void integersAndErrors() {
        assertEquals(":-9223372036854775808\r\n", render(2, r -> r.integer(Long.MIN_VALUE)));
        assertEquals(":1023\r\n:1024\r\n:-1\r\n", render(2, r -> {
            r.integer(1023);
            r.integer(1024);
            r.integer(-1);
        }));
        // a line break inside an error would end the reply early: Redis turns it into spaces
        assertEquals("-ERR a b\r\n", render(2, r -> r.error("ERR a\r\nb".replace("\r\n", "\n"))));
    }
}
