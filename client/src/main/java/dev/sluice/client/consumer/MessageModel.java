package dev.sluice.client.consumer;

/** CLUSTERING: a group's members share the queues. BROADCASTING: every member reads every queue. */
public enum MessageModel {
    CLUSTERING,
    BROADCASTING
}
