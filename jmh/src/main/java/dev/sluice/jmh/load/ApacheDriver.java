package dev.sluice.jmh.load;

import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Drives a cluster with Apache RocketMQ's official 4.9.7 client (DefaultMQProducer, DefaultMQPullConsumer,
 * DefaultMQAdminExt), exactly as users' applications do. Benchmark code only: it never reaches a broker's
 * class path.
 */
final class ApacheDriver implements Driver {
    private final String nameServer;
    private final DefaultMQProducer producer;
    private DefaultMQPullConsumer consumer;

    ApacheDriver(String nameServer) throws Exception {
        this.nameServer = nameServer;
        producer = new DefaultMQProducer("sluice_load_tool");
        producer.setNamesrvAddr(nameServer);
        producer.setInstanceName("load-" + ProcessHandle.current().pid());
        producer.setSendMsgTimeout(3000);
        producer.setRetryTimesWhenSendFailed(0);
        producer.setRetryTimesWhenSendAsyncFailed(0);
        producer.start();
    }

    @Override
    public void createTopic(String topic, int queues) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(nameServer);
        admin.setInstanceName("load-admin-" + ProcessHandle.current().pid());
        admin.start();
        try {
            ClusterInfo info = admin.examineBrokerClusterInfo();
            for (BrokerData broker : info.getBrokerAddrTable().values()) {
                String master = broker.getBrokerAddrs().get(0L);
                if (master != null) {
                    admin.createAndUpdateTopicConfig(master, new TopicConfig(topic, queues, queues, 6));
                }
            }
        } finally {
            admin.shutdown();
        }
    }

    @Override
    public List<Queue> queues(String topic) throws Exception {
        List<Queue> queues = new ArrayList<>();
        List<MessageQueue> found;
        try {
            found = producer.fetchPublishMessageQueues(topic);
        } catch (MQClientException e) {
            return queues; // no route: the caller creates the topic
        }
        for (MessageQueue mq : found) {
            queues.add(new Queue(mq.getBrokerName(), null, mq.getQueueId()));
        }
        return queues;
    }

    @Override
    public CompletableFuture<Void> send(String topic, Queue queue, byte[] body, SendMode mode) {
        Message message = new Message(topic, body);
        MessageQueue mq = new MessageQueue(topic, queue.brokerName(), queue.queueId());
        try {
            switch (mode) {
                case ONEWAY -> {
                    producer.sendOneway(message, mq);
                    return CompletableFuture.completedFuture(null);
                }
                case SYNC -> {
                    SendResult r = producer.send(message, mq);
                    return r.getSendStatus() == SendStatus.SEND_OK ? CompletableFuture.completedFuture(null)
                            : CompletableFuture.failedFuture(new IllegalStateException("send: " + r.getSendStatus()));
                }
                default -> {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    producer.send(message, mq, new SendCallback() {
                        @Override
                        public void onSuccess(SendResult r) {
                            if (r.getSendStatus() == SendStatus.SEND_OK) {
                                done.complete(null);
                            } else {
                                done.completeExceptionally(new IllegalStateException("send: " + r.getSendStatus()));
                            }
                        }

                        @Override
                        public void onException(Throwable e) {
                            done.completeExceptionally(e);
                        }
                    });
                    return done;
                }
            }
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private synchronized DefaultMQPullConsumer consumer() throws Exception {
        if (consumer == null) {
            consumer = new DefaultMQPullConsumer("sluice_load_tool");
            consumer.setNamesrvAddr(nameServer);
            consumer.setInstanceName("load-consumer-" + ProcessHandle.current().pid());
            consumer.start();
        }
        return consumer;
    }

    @Override
    public Pulled pull(String topic, Queue queue, long offset, int max) throws Exception {
        PullResult r = consumer().pull(new MessageQueue(topic, queue.brokerName(), queue.queueId()), "*", offset, max);
        List<byte[]> bodies = new ArrayList<>();
        if (r.getPullStatus() == PullStatus.FOUND) {
            for (MessageExt m : r.getMsgFoundList()) {
                bodies.add(m.getBody());
            }
        }
        return new Pulled(bodies, r.getNextBeginOffset());
    }

    @Override
    public long maxOffset(String topic, Queue queue) throws Exception {
        return consumer().maxOffset(new MessageQueue(topic, queue.brokerName(), queue.queueId()));
    }

    @Override
    public void close() {
        producer.shutdown();
        if (consumer != null) {
            consumer.shutdown();
        }
    }
}
