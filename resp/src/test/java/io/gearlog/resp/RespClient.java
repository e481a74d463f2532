package io.gearlog.resp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw RESP client for tests that assert exact reply shapes: sends one command, renders the reply with its
 * RESP type markers so RESP2 and RESP3 shapes can be told apart. Rendering: {@code +OK}, {@code -ERR text},
 * {@code :1}, {@code $text} (bulk), {@code $-1}/{@code *-1} (RESP2 nulls), {@code _} (RESP3 null),
 * {@code ,1.5} (double), {@code *[a, b]} (array), {@code ~[..]} (set), {@code %[k, v, ..]} (map). Used by one
 * test thread at a time.
 */
final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String call(String... argv) {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        byte[] header = ("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        req.writeBytes(header);
        for (String a : argv) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            req.writeBytes(b);
            req.writeBytes(new byte[]{'\r', '\n'});
        }
        try {
            out.write(req.toByteArray());
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (prev == '\r' && c == '\n') {
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            b.write(c);
            prev = c;
        }
    }

    private String read() throws IOException {
        String l = line();
        char type = l.charAt(0);
        String rest = l.substring(1);
        switch (type) {
            case '+', '-', ':', ',', '_', '#', '(':
                return l;
            case '$', '=', '!': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return "$-1";
                }
                byte[] data = in.readNBytes(n + 2);
                return "$" + new String(data, 0, n, StandardCharsets.UTF_8);
            }
            case '*', '~', '%', '>', '|': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return type + "-1";
                }
                int items = (type == '%' || type == '|') ? 2 * n : n;
                StringBuilder sb = new StringBuilder().append(type).append('[');
                for (int i = 0; i < items; i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(read());
                }
                return sb.append(']').toString();
            }
            default:
                throw new IOException("unexpected reply line: " + l);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
