package io.gearlog.resp.gears;

import io.gearlog.resp.TestServer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw RESP2 connection that renders each reply in the spec's notation, keeping the distinctions Jedis loses:
 * {@code +OK} (simple), {@code "OK"} (bulk), {@code :1}, {@code nil}, {@code -error}, {@code [a, b]}.
 */
final class Rg implements AutoCloseable {
    /** The first GraalPy context of a JVM takes seconds (minutes on a loaded machine). */
    static final int TIMEOUT_MS = 300_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Rg(TestServer server) {
        this(server.port());
    }

    Rg(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(TIMEOUT_MS);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one command and returns its rendered reply. */
    String call(String... args) {
        send(args);
        return read();
    }

    void send(String... args) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String a : args) {
                byte[] x = a.getBytes(StandardCharsets.UTF_8);
                b.writeBytes(("$" + x.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                b.writeBytes(x);
                b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(b.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read() {
        try {
            return reply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String reply() throws IOException {
        int t = in.read();
        String line = line();
        switch (t) {
            case '+':
                return "+" + line;
            case '-':
                return "-" + line;
            case ':':
                return ":" + line;
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return "nil";
                }
                byte[] b = in.readNBytes(n);
                in.readNBytes(2);
                return "\"" + new String(b, StandardCharsets.UTF_8) + "\"";
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return "nil";
                }
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(reply());
                }
                return sb.append(']').toString();
            }
            default:
                throw new IOException("unexpected reply type " + t + " " + line);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (prev == '\r' && c == '\n') {
                byte[] b = buf.toByteArray();
                return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
            }
            buf.write(c);
            prev = c;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
