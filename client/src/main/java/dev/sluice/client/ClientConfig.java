package dev.sluice.client;

/**
 * Settings every client shares. The name server list comes from {@link #namesrvAddr(String)}, else the
 * {@code rocketmq.namesrv.addr} system property, else the {@code NAMESRV_ADDR} environment variable
 * (semicolon-separated {@code host:port} entries). Periods follow RocketMQ's client defaults.
 */
public class ClientConfig {
    private String namesrvAddr;
    private String instanceName = defaultInstanceName();
    private String clientIp;
    private long requestTimeoutMillis = 3000;
    private long pollNameServerIntervalMillis = 30_000;
    private long heartbeatIntervalMillis = 30_000;
    private long persistOffsetIntervalMillis = 5000;

    private static String defaultInstanceName() {
        String configured = System.getProperty("rocketmq.client.name");
        return configured != null ? configured : String.valueOf(ProcessHandle.current().pid());
    }

    public String namesrvAddr() {
        return namesrvAddr;
    }

    public ClientConfig namesrvAddr(String namesrvAddr) {
        this.namesrvAddr = namesrvAddr;
        return this;
    }

    public String instanceName() {
        return instanceName;
    }

    /** Part of the client id ({@code ip@instanceName}); two clients of one group in one JVM need different names. */
    public ClientConfig instanceName(String instanceName) {
        this.instanceName = instanceName;
        return this;
    }

    /** The address brokers see in the client id; the first site-local IPv4 address when not set. */
    public String clientIp() {
        return clientIp;
    }

    public ClientConfig clientIp(String clientIp) {
        this.clientIp = clientIp;
        return this;
    }

    public long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    public ClientConfig requestTimeoutMillis(long requestTimeoutMillis) {
        this.requestTimeoutMillis = requestTimeoutMillis;
        return this;
    }

    public long pollNameServerIntervalMillis() {
        return pollNameServerIntervalMillis;
    }

    public ClientConfig pollNameServerIntervalMillis(long pollNameServerIntervalMillis) {
        this.pollNameServerIntervalMillis = pollNameServerIntervalMillis;
        return this;
    }

    public long heartbeatIntervalMillis() {
        return heartbeatIntervalMillis;
    }

    public ClientConfig heartbeatIntervalMillis(long heartbeatIntervalMillis) {
        this.heartbeatIntervalMillis = heartbeatIntervalMillis;
        return this;
    }

    public long persistOffsetIntervalMillis() {
        return persistOffsetIntervalMillis;
    }

    public ClientConfig persistOffsetIntervalMillis(long persistOffsetIntervalMillis) {
        this.persistOffsetIntervalMillis = persistOffsetIntervalMillis;
        return this;
    }
}
