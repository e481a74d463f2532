package io.gearlog.resp;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection and server commands through raw RESP: exact replies and errors of Redis 7.0.15, except where a test
 * says which chosen limit it shows.
 */
class ConnectionAndServerCommandsTest extends ServerTestBase {

    @Test
    void pingAndEcho() throws IOException {
        assertEquals("+PONG", c.call("ping"));
        assertEquals("$hello", c.call("ping", "hello"));
        assertEquals("-ERR wrong number of arguments for 'ping' command", c.call("ping", "a", "b"));
        assertEquals("$hi", c.call("echo", "hi"));
        assertEquals("-ERR wrong number of arguments for 'echo' command", c.call("echo"));
        assertEquals("-ERR wrong number of arguments for 'echo' command", c.call("echo", "a", "b"));
    }

    @Test
    void authWithoutPassword() throws IOException {
        assertEquals("-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?", c.call("auth", "x"));
        assertEquals("+OK", c.call("auth", "default", "anything"));
        assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("auth", "bob", "x"));
        assertEquals("-ERR syntax error", c.call("auth", "a", "b", "c"));
        assertEquals("-ERR wrong number of arguments for 'auth' command", c.call("auth"));
    }

    @Test
    void helloErrors() throws IOException {
        assertEquals("-NOPROTO unsupported protocol version", c.call("hello", "1"));
        assertEquals("-NOPROTO unsupported protocol version", c.call("hello", "4"));
        assertEquals("-ERR Protocol version is not an integer or out of range", c.call("hello", "abc"));
        assertEquals("-ERR Syntax error in HELLO option 'foo'", c.call("hello", "2", "foo"));
        assertEquals("-ERR Syntax error in HELLO option 'auth'", c.call("hello", "2", "auth", "default"));
        assertEquals("-ERR Syntax error in HELLO option 'setname'", c.call("hello", "2", "setname"));
        assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.", c.call("hello", "2", "setname", "a b"));
        assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("hello", "3", "auth", "bob", "x"));
        String hello = c.call("hello", "2", "auth", "default", "x", "setname", "nm");
        assertTrue(hello.startsWith("*[$server, $redis, $version, $7.0.15, $proto, :2, $id, :"), hello);
        assertTrue(hello.contains(", $mode, $standalone, $role, $master, $modules, *["), hello);
        assertEquals("$nm", c.call("client", "getname"));
    }

    @Test
    void selectAndSwapdb() throws IOException {
        assertEquals("+OK", c.call("set", "k", "0"));
        assertEquals("+OK", c.call("select", "1"));
        assertEquals("$-1", c.call("get", "k"));
        assertEquals("+OK", c.call("set", "k", "1"));
        assertEquals("+OK", c.call("select", "15"));
        assertEquals("-ERR DB index is out of range", c.call("select", "16"));
        assertEquals("-ERR DB index is out of range", c.call("select", "-1"));
        assertEquals("-ERR value is not an integer or out of range", c.call("select", "x"));
        assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647", c.call("select", "99999999999"));
        assertEquals("-ERR wrong number of arguments for 'select' command", c.call("select"));
        assertEquals("+OK", c.call("select", "0"));
        assertEquals("+OK", c.call("swapdb", "0", "1"));
        assertEquals("$1", c.call("get", "k"));
        assertEquals("+OK", c.call("select", "1"));
        assertEquals("$0", c.call("get", "k"));
        assertEquals("+OK", c.call("select", "0"));
        assertEquals("-ERR DB index is out of range", c.call("swapdb", "0", "16"));
        assertEquals("-ERR DB index is out of range", c.call("swapdb", "-1", "0"));
        assertEquals("-ERR invalid first DB index", c.call("swapdb", "x", "0"));
        assertEquals("-ERR invalid second DB index", c.call("swapdb", "0", "x"));
        assertEquals("-ERR invalid first DB index", c.call("swapdb", "99999999999", "0"));
        assertEquals("+OK", c.call("swapdb", "0", "0"));
        assertEquals("-ERR wrong number of arguments for 'swapdb' command", c.call("swapdb", "0"));
    }

    @Test
    void clientNames() throws IOException {
        assertEquals("$-1", c.call("client", "getname"));
        assertEquals("+OK", c.call("client", "setname", "myname"));
        assertEquals("$myname", c.call("client", "getname"));
        assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.", c.call("client", "setname", "a b"));
        assertEquals("+OK", c.call("client", "setname", "a\\nb"));
        assertEquals("+OK", c.call("client", "setname", ""));
        assertEquals("$-1", c.call("client", "getname"));
        assertEquals("-ERR wrong number of arguments for 'client|setname' command", c.call("client", "setname"));
        assertEquals("-ERR wrong number of arguments for 'client|getname' command", c.call("client", "getname", "x"));
    }

    @Test
    void clientSubcommandErrors() throws IOException {
        assertEquals("-ERR wrong number of arguments for 'client' command", c.call("client"));
        assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.", c.call("client", "foo"));
        assertEquals("-ERR wrong number of arguments for 'client|id' command", c.call("client", "id", "x"));
        assertEquals("-ERR wrong number of arguments for 'client|kill' command", c.call("client", "kill"));
        assertEquals("-ERR No such client", c.call("client", "kill", "1.2.3.4:5"));
        assertEquals("-ERR client-id should be greater than 0", c.call("client", "kill", "id", "x"));
        assertEquals("-ERR client-id should be greater than 0", c.call("client", "kill", "id", "0"));
        assertEquals(":0", c.call("client", "kill", "id", "999999"));
        assertEquals("-ERR syntax error", c.call("client", "kill", "foo", "bar"));
        assertEquals("-ERR syntax error", c.call("client", "kill", "skipme", "maybe"));
        assertEquals("-ERR Unknown client type 'foo'", c.call("client", "kill", "type", "foo"));
        assertEquals("-ERR No such user 'bob'", c.call("client", "kill", "user", "bob"));
        assertEquals("-ERR syntax error", c.call("client", "kill", "id", "1", "skipme"));
        assertEquals("-ERR syntax error", c.call("client", "list", "foo"));
        assertEquals("-ERR Unknown client type 'foo'", c.call("client", "list", "type", "foo"));
        assertEquals("-ERR Invalid client ID", c.call("client", "list", "id", "x"));
        assertEquals("$", c.call("client", "list", "id", "0"));
        assertEquals("-ERR syntax error", c.call("client", "reply", "foo"));
        assertEquals("+OK", c.call("client", "reply", "on"));
        assertEquals("-ERR syntax error", c.call("client", "no-evict", "maybe"));
        assertEquals("+OK", c.call("client", "no-evict", "on"));
        assertEquals(":-1", c.call("client", "getredir"));
        assertEquals("-ERR wrong number of arguments for 'client|help' command", c.call("client", "help", "x"));
        assertEquals("-ERR unknown subcommand 'setinfo'. Try CLIENT HELP.", c.call("client", "setinfo", "lib-name", "x"));
        assertEquals("+OK", c.call("client", "unpause"));
    }

    @Test
    void dbsizeFlushdbFlushall() throws IOException {
        assertEquals(":0", c.call("dbsize"));
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2"));
        assertEquals(":2", c.call("dbsize"));
        assertEquals("+OK", c.call("select", "1"));
        assertEquals("+OK", c.call("set", "c", "3"));
        assertEquals(":1", c.call("dbsize"));
        assertEquals("+OK", c.call("flushdb"));
        assertEquals(":0", c.call("dbsize"));
        assertEquals("+OK", c.call("select", "0"));
        assertEquals(":2", c.call("dbsize"));
        assertEquals("+OK", c.call("flushdb", "async"));
        assertEquals(":0", c.call("dbsize"));
        assertEquals("+OK", c.call("set", "a", "1"));
        assertEquals("+OK", c.call("flushall", "sync"));
        assertEquals(":0", c.call("dbsize"));
        assertEquals("-ERR syntax error", c.call("flushall", "x"));
        assertEquals("-ERR syntax error", c.call("flushdb", "x", "y"));
        assertEquals("-ERR wrong number of arguments for 'dbsize' command", c.call("dbsize", "x"));
    }

    @Test
    void timeArity() throws IOException {
        assertEquals("-ERR wrong number of arguments for 'time' command", c.call("time", "x"));
        assertEquals("-ERR wrong number of arguments for 'lastsave' command", c.call("lastsave", "x"));
    }

    @Test
    void configGetSet() throws IOException {
        assertEquals("*[$maxmemory, $0]", c.call("config", "get", "maxmemory"));
        assertEquals("*[$maxmemory-policy, $noeviction]", c.call("config", "get", "maxmemory-policy"));
        assertEquals("*[$notify-keyspace-events, $]", c.call("config", "get", "notify-keyspace-events"));
        assertEquals("*[$timeout, $0]", c.call("config", "get", "timeout"));
        assertEquals("*[$databases, $16]", c.call("config", "get", "databases"));
        assertEquals("*[]", c.call("config", "get", "nosuchparam"));
        assertEquals("*[$hash-max-listpack-entries, $512]", c.call("config", "get", "hash-max-listpack-entries"));
        assertEquals("*[$hash-max-ziplist-entries, $512]", c.call("config", "get", "hash-max-ziplist-entries"));
        assertEquals("*[$zset-max-listpack-entries, $128]", c.call("config", "get", "zset-max-listpack-entries"));
        assertEquals("-ERR wrong number of arguments for 'config|get' command", c.call("config", "get"));
        assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'", c.call("config", "set", "foo", "bar"));
        // a chosen limit: Gearlog never evicts (README, "Limits chosen")
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - Gearlog supports only "
                + "noeviction", c.call("config", "set", "maxmemory-policy", "allkeys-lru"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed into an integer", c.call("config", "set", "timeout", "abc"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive", c.call("config", "set", "timeout", "-1"));
        assertEquals("+OK", c.call("config", "set", "timeout", "10"));
        assertEquals("*[$timeout, $10]", c.call("config", "get", "timeout"));
        assertEquals("+OK", c.call("config", "set", "timeout", "0"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter", c.call("config", "set", "timeout", "0", "timeout", "1"));
        assertEquals("-ERR syntax error", c.call("config", "set", "timeout", "0", "slowlog-max-len"));
        assertEquals("-ERR wrong number of arguments for 'config|set' command", c.call("config", "set", "a"));
        assertEquals("+OK", c.call("config", "set", "hz", "1000"));
        assertEquals("*[$hz, $500]", c.call("config", "get", "hz"));
        assertEquals("+OK", c.call("config", "set", "hz", "10"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config", c.call("config", "set", "databases", "4"));
        assertEquals("-ERR unknown subcommand 'foo'. Try CONFIG HELP.", c.call("config", "foo"));
        assertEquals("-ERR wrong number of arguments for 'config|resetstat' command", c.call("config", "resetstat", "x"));
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", "x"));
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", "KEA"));
        assertEquals("*[$notify-keyspace-events, $AKE]", c.call("config", "get", "notify-keyspace-events"));
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", "Kx"));
        assertEquals("*[$notify-keyspace-events, $xK]", c.call("config", "get", "notify-keyspace-events"));
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", "AKEmn"));
        assertEquals("*[$notify-keyspace-events, $AKEm]", c.call("config", "get", "notify-keyspace-events"));
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", "g$lshzxetdnKE"));
        assertEquals("*[$notify-keyspace-events, $AKE]", c.call("config", "get", "notify-keyspace-events"));
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", "Km"));
        assertEquals("*[$notify-keyspace-events, $Km]", c.call("config", "get", "notify-keyspace-events"));
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", ""));
        assertEquals("*[$notify-keyspace-events, $]", c.call("config", "get", "notify-keyspace-events"));
    }

    @Test
    void slowlogCommands() throws IOException {
        assertEquals("+OK", c.call("slowlog", "reset"));
        assertEquals(":0", c.call("slowlog", "len"));
        assertEquals("*[]", c.call("slowlog", "get"));
        assertEquals("-ERR count should be greater than or equal to -1", c.call("slowlog", "get", "x"));
        assertEquals("-ERR count should be greater than or equal to -1", c.call("slowlog", "get", "-2"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.", c.call("slowlog", "get", "1", "2"));
        assertEquals("-ERR wrong number of arguments for 'slowlog|len' command", c.call("slowlog", "len", "x"));
        assertEquals("-ERR wrong number of arguments for 'slowlog|reset' command", c.call("slowlog", "reset", "x"));
        assertEquals("-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.", c.call("slowlog", "foo"));
        assertEquals("-ERR wrong number of arguments for 'slowlog' command", c.call("slowlog"));
    }

    @Test
    void commandSubcommands() throws IOException {
        assertEquals("-ERR wrong number of arguments for 'command|count' command", c.call("command", "count", "x"));
        assertEquals("-ERR unknown subcommand 'foo'. Try COMMAND HELP.", c.call("command", "foo"));
        assertEquals("*[$-1]", c.call("command", "info", "nosuchcmd"));
        // key specifications are not reported (README); name, arity, flags, key positions and categories are
        String info = c.call("command", "info", "get", "set");
        assertTrue(info.startsWith("*[*[$get, :2, *[+readonly, +fast], :1, :1, :1, *[+@read, +@string, +@fast], "), info);
        assertTrue(info.contains("*[$set, :-3, *[+write, +denyoom], :1, :1, :1, *[+@write, +@string, +@slow], "), info);
        assertEquals("-ERR wrong number of arguments for 'command|getkeys' command", c.call("command", "getkeys"));
        assertEquals("-ERR wrong number of arguments for 'command|getkeys' command", c.call("command", "getkeys", "get"));
        assertEquals("-ERR wrong number of arguments for 'command|getkeys' command", c.call("command", "getkeys", "ping"));
        assertEquals("-ERR Invalid command specified", c.call("command", "getkeys", "foo", "a"));
        assertEquals("*[$a]", c.call("command", "getkeys", "set", "a", "b"));
        assertEquals("*[$a, $c]", c.call("command", "getkeys", "mset", "a", "b", "c", "d"));
        assertEquals("-ERR Invalid number of arguments specified for command", c.call("command", "getkeys", "get", "a", "b"));
        // commands whose keys move with their arguments, as redis-server 7.0.15 answers
        assertEquals("*[$dst, $a, $b]", c.call("command", "getkeys", "zunionstore", "dst", "2", "a", "b", "WEIGHTS", "1", "2"));
        assertEquals("*[$l1, $l2]", c.call("command", "getkeys", "lmpop", "2", "l1", "l2", "LEFT"));
        assertEquals("*[$a, $b]", c.call("command", "getkeys", "blmpop", "0", "2", "a", "b", "LEFT"));
        assertEquals("*[$a, $b]", c.call("command", "getkeys", "sintercard", "2", "a", "b", "LIMIT", "3"));
        assertEquals("*[$s1, $s2]", c.call("command", "getkeys", "xread", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"));
        assertEquals("*[$s1]", c.call("command", "getkeys", "xread", "COUNT", "2", "STREAMS", "s1", "s2", "0"));
        assertEquals("*[$STREAMS]", c.call("command", "getkeys", "xreadgroup", "GROUP", "g", "c", "STREAMS", "STREAMS", "0"));
        assertEquals("-ERR Invalid arguments specified for command", c.call("command", "getkeys", "zunionstore", "dst", "5", "a"));
        assertEquals("-ERR Invalid arguments specified for command", c.call("command", "getkeys", "zunionstore", "dst", "0", "a"));
        assertEquals("-ERR Invalid arguments specified for command", c.call("command", "getkeys", "sintercard", "-1", "a"));
        assertEquals("-ERR Invalid arguments specified for command", c.call("command", "getkeys", "xread", "COUNT", "2", "s1"));
        assertTrue(c.call("command", "info", "zunionstore").startsWith(
                "*[*[$zunionstore, :-4, *[+write, +denyoom, +movablekeys], :1, :1, :1, "), c.call("command", "info", "zunionstore"));
        assertTrue(c.call("command", "info", "xread").startsWith(
                "*[*[$xread, :-4, *[+readonly, +blocking, +movablekeys], :0, :0, :0, "), c.call("command", "info", "xread"));
        assertEquals("*[]", c.call("command", "list", "filterby", "pattern", "xx*"));
        assertEquals("-ERR syntax error", c.call("command", "list", "foo"));
        assertEquals("*[]", c.call("command", "docs", "nosuchcmd"));
    }

    @Test
    void memoryAndDebug() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals("$-1", c.call("memory", "usage", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'memory|usage' command", c.call("memory", "usage"));
        assertEquals("-ERR unknown subcommand 'foo'. Try MEMORY HELP.", c.call("memory", "foo"));
        assertEquals("-ERR syntax error", c.call("memory", "usage", "k", "samples", "-1"));
        assertEquals("-ERR syntax error", c.call("memory", "usage", "k", "foo"));
        assertEquals("-ERR wrong number of arguments for 'memory|doctor' command", c.call("memory", "doctor", "x"));
    }
}
