package dev.sluice.client.consumer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a listener answered to a message consumed on an operator's request, as RocketMQ's ConsumeMessageDirectlyResult.
 *
 * @param orderly       whether an orderly listener answered
 * @param consumeResult RocketMQ's CMResult name: CR_SUCCESS, CR_LATER, CR_RETURN_NULL or CR_THROW_EXCEPTION
 * @param remark        what the listener threw, or null
 */
record DirectResult(boolean orderly, String consumeResult, String remark, long spentMillis) {
    static DirectResult threw(boolean orderly, Throwable t, long spentMillis) {
        return new DirectResult(orderly, "CR_THROW_EXCEPTION", t.toString(), spentMillis);
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
