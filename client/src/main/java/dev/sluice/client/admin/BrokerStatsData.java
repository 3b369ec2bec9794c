package dev.sluice.client.admin;

/** One of a broker's named stats for one key, over the last minute, hour and day (VIEW_BROKER_STATS_DATA). */
public record BrokerStatsData(Item minute, Item hour, Item day) {
    /** What the window saw: the sum, per second, and per addition (messages per request, for message counts). */
    public record Item(long sum, double tps, double avgpt) {
    }

    /** The day's sum, or the hour's or minute's when a broker has not kept a longer one yet (as mqadmin statsAll). */
    public long last24HoursSum() {
        return day.sum != 0 ? day.sum : hour.sum != 0 ? hour.sum : minute.sum;
    }
}
