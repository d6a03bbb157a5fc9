package dev.scheduler.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * JSON form of the messages: ISO-8601 instants and durations, unknown properties and unknown enum
 * constants tolerated so that an older reader keeps working when a newer writer adds to a message.
 */
public final class Json {

  private static final ObjectMapper MAPPER = configure(new ObjectMapper());

  private Json() {}

  /** Applies the message conventions to {@code mapper} and returns it. */
  public static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .registerModule(new JavaTimeModule())
        .registerModule(IsoInstants.module()) // registered later: wins for Instant
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL);
  }

  /** The shared, thread-safe mapper configured by {@link #configure(ObjectMapper)}. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** UTF-8 JSON bytes of {@code message}. */
  public static byte[] toBytes(Object message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("cannot write " + message.getClass().getName(), e);
    }
  }

  /** JSON text of {@code message}. */
  public static String toJson(Object message) {
    try {
      return MAPPER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("cannot write " + message.getClass().getName(), e);
    }
  }

  /**
   * Reads a message.
   *
   * @throws MalformedMessageException when the bytes are not a message of that type
   */
  public static <T> T fromBytes(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedMessageException("not a valid " + type.getSimpleName(), e);
    }
  }

  /**
   * Reads a message.
   *
   * @throws MalformedMessageException when the text is not a message of that type
   */
  public static <T> T fromJson(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedMessageException("not a valid " + type.getSimpleName(), e);
    }
  }

  /** A message that cannot be read or written; consumers log it and move it aside. */
  public static final class MalformedMessageException extends RuntimeException {

    MalformedMessageException(String message, Exception cause) {
      super(message, cause);
    }
  }
}
