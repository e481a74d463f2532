package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several connections at once: CLIENT LIST/INFO/KILL, QUIT, RESET, idle timeout, maxclients. */
class ClientsTest extends ServerTestBase {

    private static long id(RawConnection r) throws IOException {
        return Long.parseLong(r.call("client", "id").substring(1));
    }

    /** The CLIENT INFO line of Redis 7.0, field by field. */
    private static final Pattern CLIENT_LINE = Pattern.compile("id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ "
            + "fd=\\d+ name=\\S* age=\\d+ idle=\\d+ flags=[A-Za-z]+ db=\\d+ sub=\\d+ psub=\\d+ ssub=0 multi=-?\\d+ qbuf=\\d+ "
            + "qbuf-free=\\d+ argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ tot-mem=\\d+ events=r "
            + "cmd=\\S+ user=default redir=-1 resp=[23]");

    @Test
    void clientInfoDescribesTheCallerInRedisFormat() throws IOException {
        assertEquals("+OK", c.call("client", "setname", "me"));
        assertEquals("+OK", c.call("select", "3"));
        String info = c.call("client", "info");
        assertTrue(info.startsWith("$id=" + id(c) + " "), info);
        assertTrue(info.endsWith("\n"), info);
        String line = info.substring(1, info.length() - 1);
        assertTrue(CLIENT_LINE.matcher(line).matches(), line);
        assertTrue(line.contains(" laddr=127.0.0.1:" + server.port() + " "), line);
        assertTrue(line.contains(" name=me age="), line);
        assertTrue(line.contains(" flags=N db=3 sub=0 psub=0 "), line);
        assertTrue(line.contains(" cmd=client|info user=default redir=-1 resp=2"), line);
    }

    @Test
    void clientListShowsEveryConnectionWithItsState() throws IOException {
        try (RawConnection sub = connection(); RawConnection tx = connection()) {
            long subId = id(sub);
            long txId = id(tx);
            assertEquals("*[$subscribe, $ch, :1]", sub.call("subscribe", "ch"));
            assertEquals("*[$psubscribe, $p*, :2]", sub.call("psubscribe", "p*"));
            assertEquals("+OK", tx.call("multi"));
            assertEquals("+QUEUED", tx.call("ping"));
            String list = c.call("client", "list");
            for (String l : list.substring(1).split("\n")) {
                assertTrue(CLIENT_LINE.matcher(l).matches(), l);
            }
            String subLine = lineOf(list, subId);
            assertTrue(subLine.contains(" flags=P db=0 sub=1 psub=1 ssub=0 multi=-1 "), subLine);
            assertTrue(subLine.contains(" cmd=psubscribe "), subLine);
            String txLine = lineOf(list, txId);
            assertTrue(txLine.contains(" flags=x db=0 sub=0 psub=0 ssub=0 multi=1 "), txLine);
            assertTrue(lineOf(list, id(c)).contains(" cmd=client|list "), list);
            String pubsub = c.call("client", "list", "type", "pubsub");
            assertEquals(1, pubsub.substring(1).split("\n").length, pubsub);
            assertTrue(pubsub.startsWith("$id=" + subId + " "), pubsub);
            String byId = c.call("client", "list", "id", String.valueOf(txId), "999999");
            assertTrue(byId.startsWith("$id=" + txId + " ") && byId.split("\n").length == 1, byId);
            assertEquals("*[+PONG]", tx.call("exec"));
        }
    }

    private static String lineOf(String list, long id) {
        for (String l : list.substring(1).split("\n")) {
            if (l.startsWith("id=" + id + " ")) {
                return l;
            }
        }
        throw new AssertionError("no client " + id + " in " + list);
    }

    @Test
    void clientKillByIdClosesTheOtherConnection() throws IOException {
        try (RawConnection victim = connection()) {
            long victimId = id(victim);
            assertEquals(":1", c.call("client", "kill", "id", String.valueOf(victimId)));
            assertTrue(victim.closedByServer());
            assertEquals(":0", c.call("client", "kill", "id", String.valueOf(victimId)));
        }
    }

    @Test
    void clientKillByAddressOldForm() throws IOException {
        try (RawConnection victim = connection()) {
            String line = victim.call("client", "info");
            String addr = line.substring(line.indexOf(" addr=") + 6, line.indexOf(" laddr="));
            assertEquals("+OK", c.call("client", "kill", addr));
            assertTrue(victim.closedByServer());
            assertEquals("-ERR No such client", c.call("client", "kill", addr));
        }
    }

    @Test
    void clientKillByTypeSkipsTheCallerUnlessAsked() throws IOException {
        try (RawConnection sub = connection(); RawConnection plain = connection()) {
            assertEquals("+PONG", plain.call("ping"));
            assertEquals("*[$subscribe, $ch, :1]", sub.call("subscribe", "ch"));
            assertEquals(":1", c.call("client", "kill", "type", "pubsub"));
            assertTrue(sub.closedByServer());
            assertEquals(":1", c.call("client", "kill", "type", "normal"));
            assertTrue(plain.closedByServer());
            assertEquals(":1", c.call("client", "kill", "type", "normal", "skipme", "no"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void quitRepliesOkThenCloses() throws IOException {
        try (RawConnection q = connection()) {
            assertEquals("+OK", q.call("quit"));
            assertTrue(q.closedByServer());
        }
    }

    @Test
    void resetReturnsTheConnectionToItsInitialState() throws IOException {
        assertEquals("+OK", c.call("client", "setname", "x"));
        assertEquals("+OK", c.call("select", "2"));
        assertTrue(c.call("hello", "3").startsWith("%["));
        assertEquals("+OK", c.call("watch", "k"));
        assertEquals(">[$subscribe, $ch, :1]", c.call("subscribe", "ch"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("+RESET", c.call("reset"));
        String info = c.call("client", "info");
        assertTrue(info.contains(" name= age="), info);
        assertTrue(info.contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "), info);
        assertTrue(info.endsWith(" resp=2\n"), info);
        assertEquals("$-1", c.call("get", "k"));
    }

    @Test
    void idleClientsAreClosedAfterTimeoutButSubscribersStay() throws IOException {
        try (RawConnection idle = connection(); RawConnection sub = connection()) {
            assertEquals("+PONG", idle.call("ping"));
            assertEquals("*[$subscribe, $ch, :1]", sub.call("subscribe", "ch"));
            long idleId = id(idle);
            assertEquals("+OK", c.call("config", "set", "timeout", "1"));
            try {
                // this connection keeps talking, so only the idle one goes
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> c.call("client", "list", "id", String.valueOf(idleId)).equals("$"));
                assertTrue(idle.closedByServer());
                assertEquals(":1", c.call("publish", "ch", "still here"));
                assertEquals("*[$message, $ch, $still here]", sub.reply());
            } finally {
                assertEquals("+OK", c.call("config", "set", "timeout", "0"));
            }
        }
    }

    @Test
    void maxclientsRefusesTheConnectionOverTheLimit() throws IOException {
        String clients = c.call("info", "clients");
        int connected = Integer.parseInt(clients.split("connected_clients:")[1].split("\r\n")[0]);
        assertEquals("+OK", c.call("config", "set", "maxclients", String.valueOf(connected)));
        try (RawConnection refused = connection()) {
            assertEquals("-ERR max number of clients reached", refused.line());
            assertTrue(refused.closedByServer());
        } finally {
            assertEquals("+OK", c.call("config", "set", "maxclients", "10000"));
        }
    }

    @Test
    void jedisSeesItsOwnClientState() {
        try (Jedis j = server.jedis()) {
            assertEquals("OK", j.clientSetname("jedis-client"));
            assertEquals("jedis-client", j.clientGetname());
            assertTrue(j.clientList().contains(" name=jedis-client "));
            assertTrue(j.clientInfo().startsWith("id=" + j.clientId() + " "));
        }
    }
}
