package dev.siamtrack.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Fans every event out, in publication order, to the live subscribers (event-stream clients), the JSONL log
 * and the webhook. An event is one JSON object: {@code seq} (1, 2, ...), {@code time} (ISO-8601 UTC),
 * {@code type} (target_added, target_removed, state_changed, target_reacquired, source_up,
 * source_reconnecting, source_down, source_back), {@code source}, optionally {@code target}, and fields of its type. Publishing never blocks on
 * a slow subscriber: one whose queue is full loses that event (counted).
 */
public final class EventHub {

    private static final int SUBSCRIBER_QUEUE = 256;

    /** One published event: its sequence number and its JSON. */
    public record Event(long seq, String json) {
    }

    private final ObjectMapper json;
    private final List<Consumer<String>> sinks;
    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong lostToSlowSubscribers = new AtomicLong();
    private long seq;

    /** @param sinks receive every event's JSON line in order (event log, webhook); each must return quickly */
    public EventHub(ObjectMapper json, List<Consumer<String>> sinks) {
        this.json = json;
        this.sinks = List.copyOf(sinks);
    }

    /** A new JSON object for the fields of one event; pass it to {@link #publish}. */
    public ObjectNode fields() {
        return json.createObjectNode();
    }

    /** Publishes an event of {@code type} about {@code source} (and {@code target}, or {@code null}). */
    public synchronized void publish(String type, String source, String target, ObjectNode fields) {
        ObjectNode event = json.createObjectNode();
        event.put("seq", ++seq);
        event.put("time", Instant.now().toString());
        event.put("type", type);
        event.put("source", source);
        if (target != null) {
            event.put("target", target);
        }
        if (fields != null) {
            event.setAll(fields);
        }
        String line = event.toString();
        Event published = new Event(seq, line);
        for (Subscription s : subscribers) {
            if (!s.queue.offer(published)) {
                lostToSlowSubscribers.incrementAndGet();
            }
        }
        for (Consumer<String> sink : sinks) {
            sink.accept(line);
        }
    }

    /** A new live subscription; close it when the client goes. */
    public Subscription subscribe() {
        Subscription s = new Subscription();
        subscribers.add(s);
        return s;
    }

    public int subscribers() {
        return subscribers.size();
    }

    /** Events dropped because a subscriber did not keep up. */
    public long lostToSlowSubscribers() {
        return lostToSlowSubscribers.get();
    }

    /** One live subscriber's queue of events. */
    public final class Subscription implements AutoCloseable {

        private final ArrayBlockingQueue<Event> queue = new ArrayBlockingQueue<>(SUBSCRIBER_QUEUE);

        /** The next event, or {@code null} after {@code millis} without one. */
        public Event poll(long millis) throws InterruptedException {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
