package dev.sluice.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The name servers a client talks to: it starts at a random one (spreading clients over them) and moves to the
 * next in turn when one fails. A client given none asks RocketMQ's address server, which may change the list later.
 */
public final class NameServerList {
    public static final String SYSTEM_PROPERTY = "rocketmq.namesrv.addr";
    public static final String ENVIRONMENT_VARIABLE = "NAMESRV_ADDR";

    private volatile List<String> addresses;
    private final AtomicInteger current;

    public NameServerList(List<String> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no name server address configured: set namesrvAddr, the "
                    + SYSTEM_PROPERTY + " system property or the " + ENVIRONMENT_VARIABLE + " environment variable,"
                    + " or run an address server where the rocketmq.namesrv.domain system property says");
        }
        this.addresses = List.copyOf(addresses);
        this.current = new AtomicInteger(ThreadLocalRandom.current().nextInt(addresses.size()));
    }

    /** From the configured value, else the system property, else the environment (the first one that is set). */
    public static NameServerList resolve(String configured) {
        return new NameServerList(parse(configured(configured)));
    }

    /** The configured value, else the system property, else the environment; "" when none is set. */
    public static String configured(String configured) {
        return firstSet(configured, System.getProperty(SYSTEM_PROPERTY), System.getenv(ENVIRONMENT_VARIABLE));
    }

    /** Replaces the list (an address server answered another); false when {@code replacement} is the same list. */
    public boolean replace(List<String> replacement) {
        if (replacement.isEmpty() || replacement.equals(addresses)) {
            return false;
        }
        addresses = List.copyOf(replacement);
        return true;
    }

    static String firstSet(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return "";
    }

    /** {@code "a:9876;b:9876"} → addresses; blanks and duplicates dropped, malformed entries refused. */
    public static List<String> parse(String text) {
        List<String> result = new ArrayList<>();
        for (String part : text.split(";")) {
            String address = part.trim();
            if (address.isEmpty() || result.contains(address)) {
                continue;
            }
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1 || !address.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("name server address must be host:port, got \"" + address + "\"");
            }
            result.add(address);
        }
        return result;
    }

    public List<String> all() {
        return addresses;
    }

    /** The name servers in the order to try them: the current one first, then the others in turn. */
    public List<String> inTryOrder() {
        List<String> snapshot = addresses;
        int start = Math.floorMod(current.get(), snapshot.size());
        List<String> order = new ArrayList<>(snapshot.size());
        for (int i = 0; i < snapshot.size(); i++) {
            order.add(snapshot.get((start + i) % snapshot.size()));
        }
        return order;
    }

    /** The call to {@code address} failed: the next call starts at the one after it. */
    public void failed(String address) {
        int index = addresses.indexOf(address);
        if (index >= 0) {
            current.compareAndSet(current.get(), index + 1);
        }
    }
}
