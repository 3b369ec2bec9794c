package dev.sluice.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The name servers a client talks to: it starts at a random one (spreading clients over them) and moves to the
 * next in turn when one fails.
 */
public final class NameServerList {
    public static final String SYSTEM_PROPERTY = "rocketmq.namesrv.addr";
    public static final String ENVIRONMENT_VARIABLE = "NAMESRV_ADDR";

    private final List<String> addresses;
    private final AtomicInteger current;

    public NameServerList(List<String> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no name server address configured: set namesrvAddr, the "
                    + SYSTEM_PROPERTY + " system property or the " + ENVIRONMENT_VARIABLE + " environment variable");
        }
        this.addresses = List.copyOf(addresses);
        this.current = new AtomicInteger(ThreadLocalRandom.current().nextInt(addresses.size()));
    }

    /** From the configured value, else the system property, else the environment (the first one that is set). */
    public static NameServerList resolve(String configured) {
        return new NameServerList(parse(firstSet(configured, System.getProperty(SYSTEM_PROPERTY),
                System.getenv(ENVIRONMENT_VARIABLE))));
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
        int start = Math.floorMod(current.get(), addresses.size());
        List<String> order = new ArrayList<>(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            order.add(addresses.get((start + i) % addresses.size()));
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
