package io.gearlog.resp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain socket for protocol-level tests: send raw bytes, read raw replies. */
public final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.UTF_8));
    }

    public void send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Reads until {@code n} bytes arrived. */
    public String read(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Reads one CRLF-terminated line (without the CRLF). */
    public String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after: " + buf);
            }
            if (prev == '\r' && c == '\n') {
                byte[] b = buf.toByteArray();
                return new String(b, 0, b.length - 1, StandardCharsets.UTF_8);
            }
            buf.write(c);
            prev = c;
        }
    }

    /** True when the server closed the connection (reads EOF). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** Sends one command as a RESP multibulk. */
    public void sendCommand(String... args) throws IOException {
        send(encode(args));
    }

    /** One command as a RESP multibulk (pipelines concatenate these and send them at once). */
    public static byte[] encode(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String a : args) {
            byte[] x = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + x.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(x);
            b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    /** Sends a command and returns its reply rendered by {@link #reply()}. */
    public String call(String... args) throws IOException {
        sendCommand(args);
        return reply();
    }

    public String call(java.util.List<String> args) throws IOException {
        return call(args.toArray(new String[0]));
    }

    /**
     * Reads one complete RESP2/RESP3 value and renders it compactly, keeping its exact type: {@code +OK},
     * {@code -ERR msg}, {@code :1}, {@code $bulk}, {@code $-1} (null bulk), {@code *-1} (null array), {@code _}
     * (RESP3 null), {@code ,1.5}, {@code #t}, {@code =txt:...}, and aggregates as their type character followed by
     * their elements in brackets: {@code *[$a, :1]}, {@code %[$k, $v]}, {@code ~[...]}, {@code >[...]}.
     */
    public String reply() throws IOException {
        String l = line();
        char t = l.charAt(0);
        String rest = l.substring(1);
        switch (t) {
            case '+', '-', ':', ',', '#', '(', '_' -> {
                return l;
            }
            case '$', '=', '!' -> {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return l;
                }
                byte[] b = in.readNBytes(n + 2);
                return t + new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*', '%', '~', '>', '|' -> {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return l;
                }
                if (t == '%' || t == '|') {
                    n *= 2;
                }
                StringBuilder sb = new StringBuilder().append(t).append('[');
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(reply());
                }
                return sb.append(']').toString();
            }
            default -> throw new IOException("not a RESP value: " + l);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
