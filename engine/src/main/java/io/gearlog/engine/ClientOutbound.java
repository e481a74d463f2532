package io.gearlog.engine;

/**
 * Where a client's reply bytes go. Implemented by the network layer; called from the engine thread (or the
 * journal sync thread under {@code appendfsync always}). Implementations must be thread-safe and keep order.
 */
public interface ClientOutbound {
    /** Sends {@code bytes}; ownership passes to the callee. */
    void send(byte[] bytes);

    /**
     * Sends {@code len} bytes of {@code buf} from {@code off}; the caller reuses {@code buf} after the call, so an
     * implementation that sends later must copy.
     */
    default void send(byte[] buf, int off, int len) {
        send(java.util.Arrays.copyOfRange(buf, off, off + len));
    }

    /** Sends {@code bytes} (may be null) and then closes the connection. */
    void sendAndClose(byte[] bytes);

    /** The engine finished taking {@code commands} commands of this client off its inbox (flow control). */
    default void processed(int commands) {
    }

    /** Address strings for CLIENT LIST. */
    default String remoteAddress() {
        return "?:0";
    }

    default String localAddress() {
        return "?:0";
    }

    /** An outbound that drops everything: journal recovery and internal clients. */
    ClientOutbound DISCARD = new ClientOutbound() {
        @Override
        public void send(byte[] bytes) {
        }

        @Override
        public void send(byte[] buf, int off, int len) {
        }

        @Override
        public void sendAndClose(byte[] bytes) {
        }
    };
}
