package dev.sluice.client.consumer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What a listener answered to a message consumed on an operator's request, as RocketMQ's ConsumeMessageDirectlyResult.
 *
 * @param orderly       whether an orderly listener answered
 * @param consumeResult RocketMQ's CMResult name: CR_SUCCESS, CR_LATER, CR_RETURN_NULL or CR_THROW_EXCEPTION
 * @param remark        what the listener threw, or null
 */
record DirectResult(boolean orderly, String consumeResult, String remark, long spentMillis) {
    /**
     * Runs a listener once and says what it answered.
     *
     * @param success the listener's answer that means done; any other non-null answer is CR_LATER
     */
    static DirectResult of(boolean orderly, Callable<?> listener, Object success) {
        long start = System.currentTimeMillis();
        try {
            Object answer = listener.call();
            String result = answer == null ? "CR_RETURN_NULL" : answer == success ? "CR_SUCCESS" : "CR_LATER";
            return new DirectResult(orderly, result, null, System.currentTimeMillis() - start);
        } catch (Throwable t) {
            return new DirectResult(orderly, "CR_THROW_EXCEPTION", t.toString(), System.currentTimeMillis() - start);
        }
    }

    /** The body fields in fastjson's order; autoCommit is always true, as for every RocketMQ listener. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("autoCommit", true);
        json.put("consumeResult", consumeResult);
        json.put("order", orderly);
        if (remark != null) {
            json.put("remark", remark);
        }
        json.put("spentTimeMills", spentMillis);
        return json;
    }
}
