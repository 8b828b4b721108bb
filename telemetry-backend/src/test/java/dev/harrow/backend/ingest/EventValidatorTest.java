package dev.harrow.backend.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventValidatorTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String ID = "0b6f1c7e-2f0a-4c55-9a43-58f0c2b2b0a1";
    final ObjectMapper json = new ObjectMapper();
    final EventValidator validator = new EventValidator(4);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            [1,2]                                                                    | NOT_AN_OBJECT
            {"type":"a","ts":1,"deviceId":"d"}                                       | MISSING_EVENT_ID
            {"eventId":"nope","type":"a","ts":1,"deviceId":"d"}                      | INVALID_EVENT_ID
            {"eventId":42,"type":"a","ts":1,"deviceId":"d"}                          | INVALID_EVENT_ID
            {"eventId":"%s","ts":1780000000000,"deviceId":"d"}                       | MISSING_TYPE
            {"eventId":"%s","type":"has space","ts":1780000000000,"deviceId":"d"}    | INVALID_TYPE
            {"eventId":"%s","type":"a","deviceId":"d"}                               | MISSING_TS
            {"eventId":"%s","type":"a","ts":"yesterday","deviceId":"d"}              | INVALID_TS
            {"eventId":"%s","type":"a","ts":true,"deviceId":"d"}                     | INVALID_TS
            {"eventId":"%s","type":"a","ts":"1999-12-31T23:59:59Z","deviceId":"d"}   | TS_OUT_OF_RANGE
            {"eventId":"%s","type":"a","ts":"2026-06-03T12:00:00Z","deviceId":"d"}   | TS_OUT_OF_RANGE
            {"eventId":"%s","type":"a","ts":"2026-04-30T12:00:00Z","deviceId":"d"}   | TS_OUT_OF_RANGE
            {"eventId":"%s","type":"a","ts":"2026-06-01T13:30:00Z","deviceId":"d"}   | TS_OUT_OF_RANGE
            {"eventId":"%s","type":"purchase","ts":1780000000000,"deviceId":"d","props":{"amount":1e300}} | INVALID_AMOUNT
            {"eventId":"%s","type":"purchase","ts":1780000000000,"deviceId":"d","props":{"amount":-5}} | INVALID_AMOUNT
            {"eventId":"%s","type":"purchase","ts":1780000000000,"deviceId":"d","props":{"amount":"9.99"}} | INVALID_AMOUNT
            {"eventId":"%s","type":"a","ts":1780000000000}                           | MISSING_DEVICE_ID
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":""}             | INVALID_DEVICE_ID
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":7}              | INVALID_DEVICE_ID
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","userId":1} | INVALID_USER_ID
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","sessionId":[]} | INVALID_SESSION_ID
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","appVersion":{}} | INVALID_APP_VERSION
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","platform":"symbian"} | INVALID_PLATFORM
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","props":"x"} | INVALID_PROPS
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","props":{"$gt":1}} | INVALID_PROPS_KEY
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","props":{"a.b":1}} | INVALID_PROPS_KEY
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","props":{"x":{"$in":[1]}}} | INVALID_PROPS_KEY
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","props":{"big":123456789012345678901234567890}} | INVALID_PROPS
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","props":{"a":{"b":{"c":{"d":1}}}}} | TOO_DEEPLY_NESTED
            {"eventId":"%s","type":"a","ts":1780000000000,"deviceId":"d","props":{"a":[[[1]]]}} | TOO_DEEPLY_NESTED
            """)
    void rejects(String event, RejectReason expected) throws Exception {
        JsonNode node = json.readTree(event.replace("%s", ID));

        EventValidator.Outcome outcome = validator.validate(node, 3, "shop", NOW);

        assertThat(outcome).isInstanceOfSatisfying(EventValidator.Invalid.class, invalid -> {
            assertThat(invalid.rejection().reason()).isEqualTo(expected);
            assertThat(invalid.rejection().index()).isEqualTo(3);
        });
    }

    @Test
    void nestingUpToTheLimitIsKept() throws Exception {
        JsonNode node = json.readTree(("{\"eventId\":\"%s\",\"type\":\"a\",\"ts\":1780000000000,\"deviceId\":\"d\","
                + "\"props\":{\"a\":{\"b\":{\"c\":1}}}}").replace("%s", ID));

        assertThat(validator.validate(node, 0, "shop", NOW)).isInstanceOf(EventValidator.Valid.class);
    }

    @Test
    void acceptsIsoTimestampsWithOffsetsAndEpochMillis() throws Exception {
        for (String ts : new String[] {"\"2026-06-01T13:00:00+01:00\"", "\"2026-06-01T12:00:00Z\"", "1780315200000"}) {
            JsonNode node = json.readTree("{\"eventId\":\"" + ID + "\",\"type\":\"a\",\"ts\":" + ts
                    + ",\"deviceId\":\"d\",\"unknownField\":1}");

            EventValidator.Outcome outcome = validator.validate(node, 0, "shop", NOW);

            assertThat(outcome).as(ts).isInstanceOf(EventValidator.Valid.class);
        }
        EventValidator.Valid valid = (EventValidator.Valid) validator.validate(json.readTree(
                "{\"eventId\":\"" + ID + "\",\"type\":\"a\",\"ts\":\"2026-06-01T13:00:00+01:00\",\"deviceId\":\"d\"}"),
                0, "shop", NOW);
        assertThat(valid.event().ts()).isEqualTo(Instant.parse("2026-06-01T12:00:00Z"));
    }
}
