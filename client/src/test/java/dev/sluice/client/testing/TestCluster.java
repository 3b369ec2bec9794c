package dev.sluice.client.testing;

/**
 * One name server and one master broker in child JVMs on 127.0.0.1, so scenario tests can be parameterized over
 * a Sluice cluster and an Apache RocketMQ 4.9.7 one. {@link #close()} stops both processes; the store lives in a
 * directory the test owns.
 */
public interface TestCluster extends AutoCloseable {
    /** "Sluice" or "Apache", for test names and messages. */
    String kind();

    String namesrvAddr();

    String clusterName();

    String brokerName();

    /** {@code 127.0.0.1:port} the broker listens on and registers; it stays the same across restarts. */
    String brokerAddr();

    /** Stops the broker gracefully (SIGTERM), waiting until its process has exited. */
    void stopBroker() throws Exception;

    /** Stops the broker with SIGKILL: no shutdown hook runs, the store is left as after a crash. */
    void killBroker() throws Exception;

    /** Starts the broker again on the same port and store, returning once it has booted. */
    void startBroker() throws Exception;

    /**
     * Starts a SLAVE of the broker (brokerId 1, its own port and store, the master's other settings) in its own JVM,
     * returning its address once it has booted; {@link #close()} stops it too.
     */
    String startSlave() throws Exception;

    @Override
    void close() throws Exception;
}
