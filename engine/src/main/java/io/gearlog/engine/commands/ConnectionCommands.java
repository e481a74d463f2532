package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Engine;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.gearlog.engine.command.CommandFlags.*;

/** PING, ECHO, QUIT, AUTH, HELLO, SELECT, RESET, CLIENT. */
final class ConnectionCommands {
    static final String REDIS_VERSION = "7.0.15";

    private ConnectionCommands() {
    }

    static void register(CommandTable t) {
        t.add("ping", -1, FAST | STALE | PUBSUB_CONTEXT, 0, 0, 0, ConnectionCommands::ping);
        t.add("echo", 2, FAST | LOADING | STALE, 0, 0, 0, ctx -> ctx.reply().bulk(ctx.arg(1)));
        t.add("quit", -1, NO_AUTH | LOADING | STALE | FAST | NO_MULTI | PUBSUB_CONTEXT, 0, 0, 0, ConnectionCommands::quit);
        t.add("auth", -2, NO_AUTH | LOADING | STALE | FAST | NOSCRIPT, 0, 0, 0, ConnectionCommands::auth);
        t.add("hello", -1, NO_AUTH | LOADING | STALE | FAST | NOSCRIPT, 0, 0, 0, ConnectionCommands::hello);
        t.add("select", 2, LOADING | STALE | FAST, 0, 0, 0, ConnectionCommands::select);
        t.add("reset", 1, NO_AUTH | LOADING | STALE | FAST | NO_MULTI | PUBSUB_CONTEXT, 0, 0, 0, ConnectionCommands::reset);
        t.add("client", -2, LOADING | STALE, 0, 0, 0, ConnectionCommands::client);
        t.subcommand("client", "id", 2, LOADING | STALE);
        t.subcommand("client", "getname", 2, LOADING | STALE);
        t.subcommand("client", "setname", 3, LOADING | STALE);
        t.subcommand("client", "info", 2, LOADING | STALE);
        t.subcommand("client", "list", -2, ADMIN | LOADING | STALE);
        t.subcommand("client", "kill", -3, ADMIN | LOADING | STALE);
        t.subcommand("client", "reply", 3, LOADING | STALE);
        t.subcommand("client", "no-evict", 3, ADMIN | LOADING | STALE);
        t.subcommand("client", "getredir", 2, LOADING | STALE);
        t.subcommand("client", "trackinginfo", 2, LOADING | STALE);
        t.subcommand("client", "unpause", 2, ADMIN | LOADING | STALE);
        t.subcommand("client", "help", 2, LOADING | STALE);
    }

    private static void ping(CommandContext ctx) {
        if (ctx.argc() > 2) {
            ctx.error(Errors.wrongArity("ping"));
        }
        ReplyBuffer r = ctx.reply();
        if (ctx.client().inPubSub() && ctx.client().protocol() == 2) {
            r.array(2);
            r.bulk("pong");
            r.bulk(ctx.argc() == 2 ? ctx.arg(1) : new byte[0]);
        } else if (ctx.argc() == 2) {
            r.bulk(ctx.arg(1));
        } else {
            r.simple("PONG");
        }
    }

    private static void quit(CommandContext ctx) {
        ctx.reply().ok();
        ctx.client().closing = true;
    }

    /** The one user is "default"; without requirepass it has no password, so any password is accepted. */
    private static boolean checkPassword(CommandContext ctx, String user, byte[] pass) {
        String required = ctx.engine().config().requirepass;
        boolean ok = "default".equals(user) && (required.isEmpty()
                || java.security.MessageDigest.isEqual(required.getBytes(java.nio.charset.StandardCharsets.UTF_8), pass));
        if (ok) {
            ctx.client().authenticated = true;
            ctx.client().authHint = true;
            ctx.client().user = user;
        }
        return ok;
    }

    private static void auth(CommandContext ctx) {
        if (ctx.argc() > 3) {
            ctx.error(Errors.SYNTAX);
        }
        String user = ctx.argc() == 3 ? ctx.str(1) : "default";
        byte[] pass = ctx.arg(ctx.argc() - 1);
        if (ctx.argc() == 2 && ctx.engine().config().requirepass.isEmpty()) {
            ctx.error(Errors.AUTH_NOT_CONFIGURED);
        }
        if (!checkPassword(ctx, user, pass)) {
            ctx.error(Errors.WRONGPASS);
        }
        ctx.reply().ok();
    }

    private static void hello(CommandContext ctx) {
        Client c = ctx.client();
        int proto = c.protocol();
        int i = 1;
        if (ctx.argc() >= 2) {
            Long v = NumberFormat.parseLongOrFail(ctx.arg(1));
            if (v == null) {
                ctx.error("ERR Protocol version is not an integer or out of range");
            }
            if (v < 2 || v > 3) {
                ctx.error("NOPROTO unsupported protocol version");
            }
            proto = v.intValue();
            i = 2;
        }
        String setName = null;
        boolean authed = false;
        for (; i < ctx.argc(); i++) {
            boolean more = i + 1 < ctx.argc();
            if (ctx.is(i, "AUTH") && i + 2 < ctx.argc()) {
                if (!checkPassword(ctx, ctx.str(i + 1), ctx.arg(i + 2))) {
                    ctx.error(Errors.WRONGPASS);
                }
                authed = true;
                i += 2;
            } else if (ctx.is(i, "SETNAME") && more) {
                setName = ctx.str(i + 1);
                validateName(setName);
                i += 1;
            } else {
                ctx.error("ERR Syntax error in HELLO option '" + ctx.str(i) + "'");
            }
        }
        if (!c.authenticated && !authed) {
            ctx.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                    + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
                    + "version at the same time");
        }
        if (setName != null) {
            c.name = setName.isEmpty() ? null : setName;
        }
        c.reply.protocol(proto);
        ReplyBuffer r = ctx.reply();
        r.map(7);
        r.bulk("server");
        r.bulk("redis");
        r.bulk("version");
        r.bulk(REDIS_VERSION);
        r.bulk("proto");
        r.integer(proto);
        r.bulk("id");
        r.integer(c.id);
        r.bulk("mode");
        r.bulk("standalone");
        r.bulk("role");
        r.bulk("master");
        r.bulk("modules");
        r.array(1);
        r.map(2);
        r.bulk("name");
        r.bulk("rg");
        r.bulk("ver");
        r.integer(10213);
    }

    private static void select(CommandContext ctx) {
        ctx.client().db = KeyCommands.dbIndexArg(ctx, 1);
        ctx.reply().ok();
    }

    private static void reset(CommandContext ctx) {
        Client c = ctx.client();
        Engine e = ctx.engine();
        c.inMulti = false;
        c.multiError = false;
        c.queued.clear();
        e.unwatch(c);
        for (var k : new ArrayList<>(c.channels)) {
            e.pubsub().unsubscribe(c, k);
        }
        for (var k : new ArrayList<>(c.patterns)) {
            e.pubsub().punsubscribe(c, k);
        }
        c.db = 0;
        c.name = null;
        c.reply.protocol(2);
        c.authenticated = e.config().requirepass.isEmpty();
        c.user = "default";
        ctx.reply().simple("RESET");
    }

    static void validateName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '!' || ch > '~') {
                throw new CommandError("ERR Client names cannot contain spaces, newlines or special characters.");
            }
        }
    }

    // ---- CLIENT ----

    private static void client(CommandContext ctx) {
        Client c = ctx.client();
        ReplyBuffer r = ctx.reply();
        // the dispatcher already checked that the subcommand exists and its arity
        switch (ctx.str(1).toUpperCase(java.util.Locale.ROOT)) {
            case "ID" -> r.integer(c.id);
            case "SETNAME" -> {
                String n = ctx.str(2);
                validateName(n);
                c.name = n.isEmpty() ? null : n;
                r.ok();
            }
            case "GETNAME" -> r.bulk(c.name);
            case "INFO" -> r.verbatim(describe(ctx, c) + "\n");
            case "LIST" -> list(ctx);
            case "KILL" -> kill(ctx);
            case "REPLY" -> {
                if (ctx.is(2, "ON")) {
                    r.ok();
                } else if (ctx.is(2, "OFF") || ctx.is(2, "SKIP")) {
                    ctx.error("ERR CLIENT REPLY OFF|SKIP is not supported by Gearlog");
                } else {
                    ctx.error(Errors.SYNTAX);
                }
            }
            case "NO-EVICT" -> {
                if (!ctx.is(2, "ON") && !ctx.is(2, "OFF")) {
                    ctx.error(Errors.SYNTAX);
                }
                r.ok();
            }
            case "GETREDIR" -> r.integer(-1);
            case "TRACKINGINFO" -> {
                r.map(3);
                r.bulk("flags");
                r.set(1);
                r.bulk("off");
                r.bulk("redirect");
                r.integer(-1);
                r.bulk("prefixes");
                r.array(0);
            }
            case "UNPAUSE" -> r.ok();
            default -> {
                String[] lines = {
                    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GETREDIR",
                    "    Return the client ID we are redirecting to when tracking is enabled.",
                    "GETNAME",
                    "    Return the name of the current connection.",
                    "ID",
                    "    Return the ID of the current connection.",
                    "INFO",
                    "    Return information about the current client connection.",
                    "KILL <ip:port>",
                    "    Kill connection made from <ip:port>.",
                    "KILL <option> <value> [<option> <value> [...]]",
                    "    Kill connections. Options are:",
                    "    * ADDR (<ip:port>|<unixsocket>:0)",
                    "      Kill connections made from the specified address",
                    "    * LADDR (<ip:port>|<unixsocket>:0)",
                    "      Kill connections made to specified local address",
                    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                    "      Kill connections by type.",
                    "    * USER <username>",
                    "      Kill connections authenticated by <username>.",
                    "    * SKIPME (YES|NO)",
                    "      Skip killing current connection (default: yes).",
                    "LIST [options ...]",
                    "    Return information about client connections. Options:",
                    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                    "      Return clients of specified type.",
                    "UNPAUSE",
                    "    Stop the current client pause, resuming traffic.",
                    "REPLY (ON|OFF|SKIP)",
                    "    Control the replies sent to the current connection.",
                    "SETNAME <name>",
                    "    Assign the name <name> to the current connection.",
                    "TRACKINGINFO",
                    "    Report tracking status for the current connection.",
                    "NO-EVICT (ON|OFF)",
                    "    Protect current client connection from eviction.",
                    "HELP",
                    "    Prints this help."};
                r.array(lines.length);
                for (String l : lines) {
                    r.simple(l);
                }
            }
        }
    }

    /** Client types as CLIENT LIST TYPE and CLIENT KILL TYPE name them; Gearlog has no masters or replicas. */
    private static String clientType(CommandContext ctx, int i) {
        String type = ctx.str(i).toLowerCase(java.util.Locale.ROOT);
        if (!List.of("normal", "pubsub", "master", "replica", "slave").contains(type)) {
            ctx.error("ERR Unknown client type '" + ctx.str(i) + "'");
        }
        return type.equals("slave") ? "replica" : type;
    }

    private static boolean isType(Client c, String type) {
        return switch (type) {
            case "normal" -> !c.inPubSub();
            case "pubsub" -> c.inPubSub();
            default -> false;
        };
    }

    static String describe(CommandContext ctx, Client c) {
        long now = ctx.now();
        StringBuilder flags = new StringBuilder();
        if (c.inPubSub()) {
            flags.append('P');
        }
        if (c.inMulti) {
            flags.append('x');
        }
        if (c.blocked != null) {
            flags.append('b');
        }
        if (c.watchInvalidated) {
            flags.append('d');
        }
        if (c.closing) {
            flags.append('c');
        }
        if (flags.isEmpty()) {
            flags.append('N');
        }
        return "id=" + c.id + " addr=" + c.outbound.remoteAddress() + " laddr=" + c.outbound.localAddress()
                + " fd=8 name=" + (c.name == null ? "" : c.name)
                + " age=" + Math.max(0, (now - c.createdAt) / 1000) + " idle=" + Math.max(0, (now - c.lastInteraction) / 1000)
                + " flags=" + flags + " db=" + c.db + " sub=" + c.channels.size() + " psub=" + c.patterns.size()
                + " ssub=0 multi=" + (c.inMulti ? c.queued.size() : -1) + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0"
                + " rbs=" + c.reply.array().length + " rbp=0 obl=0 oll=0 omem=0 tot-mem=" + c.reply.array().length
                + " events=r cmd=" + c.lastCommand + " user=" + c.user + " redir=-1 resp=" + c.protocol();
    }

    private static void list(CommandContext ctx) {
        List<Client> selected = new ArrayList<>();
        int argc = ctx.argc();
        if (argc == 2) {
            selected.addAll(ctx.engine().clients().values());
        } else if (argc == 4 && ctx.is(2, "TYPE")) {
            String type = clientType(ctx, 3);
            ctx.engine().clients().values().stream().filter(x -> isType(x, type)).forEach(selected::add);
        } else if (argc > 3 && ctx.is(2, "ID")) {
            for (int i = 3; i < argc; i++) {
                Long id = NumberFormat.parseLongOrFail(ctx.arg(i));
                if (id == null) {
                    ctx.error("ERR Invalid client ID");
                }
                Client x = ctx.engine().clients().get(id);
                if (x != null && !selected.contains(x)) {
                    selected.add(x);
                }
            }
        } else {
            ctx.error(Errors.SYNTAX);
        }
        StringBuilder sb = new StringBuilder();
        for (Client x : selected) {
            sb.append(describe(ctx, x)).append('\n');
        }
        ctx.reply().verbatim(sb.toString());
    }

    private static void kill(CommandContext ctx) {
        int argc = ctx.argc();
        Engine e = ctx.engine();
        long id = 0;
        String addr = null;
        String laddr = null;
        String user = null;
        String type = null;
        boolean skipMe = argc > 3; // the old form CLIENT KILL addr may kill the caller
        if (argc == 3) {
            addr = ctx.str(2);
        }
        for (int i = 2; argc > 3 && i < argc; i += 2) {
            boolean more = i + 1 < argc;
            if (ctx.is(i, "ID") && more) {
                Long v = NumberFormat.parseLongOrFail(ctx.arg(i + 1));
                if (v == null || v < 1) {
                    ctx.error("ERR client-id should be greater than 0");
                }
                id = v;
            } else if (ctx.is(i, "TYPE") && more) {
                type = clientType(ctx, i + 1);
            } else if (ctx.is(i, "ADDR") && more) {
                addr = ctx.str(i + 1);
            } else if (ctx.is(i, "LADDR") && more) {
                laddr = ctx.str(i + 1);
            } else if (ctx.is(i, "USER") && more) {
                user = ctx.str(i + 1);
                if (!user.equals("default")) {
                    ctx.error("ERR No such user '" + user + "'");
                }
            } else if (ctx.is(i, "SKIPME") && more) {
                if (ctx.is(i + 1, "YES")) {
                    skipMe = true;
                } else if (ctx.is(i + 1, "NO")) {
                    skipMe = false;
                } else {
                    ctx.error(Errors.SYNTAX);
                }
            } else {
                ctx.error(Errors.SYNTAX);
            }
        }
        int killed = 0;
        for (Client x : new ArrayList<>(e.clients().values())) {
            if (addr != null && !x.outbound.remoteAddress().equals(addr)) continue;
            if (laddr != null && !x.outbound.localAddress().equals(laddr)) continue;
            if (type != null && !isType(x, type)) continue;
            if (id != 0 && x.id != id) continue;
            if (user != null && !x.user.equals(user)) continue;
            if (skipMe && x == ctx.client()) continue;
            killClient(ctx, x);
            killed++;
        }
        if (argc == 3) {
            if (killed == 0) {
                ctx.error("ERR No such client");
            }
            ctx.reply().ok();
        } else {
            ctx.reply().integer(killed);
        }
    }

    private static void killClient(CommandContext ctx, Client x) {
        x.closing = true;
        if (x == ctx.client()) {
            return;
        }
        ctx.engine().markDirty(x);
    }
}
