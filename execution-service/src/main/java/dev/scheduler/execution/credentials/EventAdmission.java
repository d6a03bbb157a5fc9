package dev.scheduler.execution.credentials;

import dev.scheduler.contracts.EventSignatures;
import dev.scheduler.execution.credentials.AgentRefusals.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.common.message.MessageExt;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which execution events an agent may have sent: only those signed with a credential the {@link
 * CredentialBook} knows ({@link EventSignatures}), and, for an app's credential, only about an
 * execution of that app (by the execution's stored row, made at the latest when its lease was
 * claimed). The rest are dropped, counted and kept as refusals of action {@code report}: an app
 * that reaches the broker cannot end, fail or fill the log of another app's execution.
 */
@Component
public class EventAdmission {

  static final String ACTION = "report";

  private final CredentialBook book;
  private final NamedParameterJdbcTemplate named;
  private final AgentRefusals refusals;

  public EventAdmission(
      CredentialBook book, NamedParameterJdbcTemplate named, AgentRefusals refusals) {
    this.book = book;
    this.named = named;
    this.refusals = refusals;
  }

  /** The messages of {@code messages} that may be applied, in their order. */
  public List<MessageExt> admit(List<MessageExt> messages) {
    List<MessageExt> signed = new ArrayList<>(messages.size());
    List<String> apps = new ArrayList<>(messages.size());
    for (MessageExt message : messages) {
      CredentialBook.Entry entry =
          book.byKeyId(message.getUserProperty(EventSignatures.KEY_PROPERTY)).orElse(null);
      if (entry == null
          || !EventSignatures.verify(
              entry.key(),
              message.getBody(),
              message.getUserProperty(EventSignatures.SIGNATURE_PROPERTY))) {
        refusals.record(
            "?",
            ACTION,
            Reason.UNAUTHENTICATED,
            "execution event " + message.getKeys() + " is not signed with a known credential");
        continue;
      }
      signed.add(message);
      apps.add(entry.app());
    }
    Map<String, String> stored = appsOf(signed, apps);
    List<MessageExt> admitted = new ArrayList<>(signed.size());
    for (int i = 0; i < signed.size(); i++) {
      MessageExt message = signed.get(i);
      String app = apps.get(i);
      if (app != null && !app.equals(stored.get(message.getKeys()))) {
        refusals.record(
            app,
            ACTION,
            Reason.OTHER_APP,
            "execution " + message.getKeys() + " is not one of app " + app + "'s");
        continue;
      }
      admitted.add(message);
    }
    return admitted;
  }

  /** The stored app of each execution an app's credential reports on. */
  private Map<String, String> appsOf(List<MessageExt> signed, List<String> apps) {
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < signed.size(); i++) {
      if (apps.get(i) != null && signed.get(i).getKeys() != null) {
        ids.add(signed.get(i).getKeys());
      }
    }
    Map<String, String> stored = new HashMap<>();
    if (ids.isEmpty()) {
      return stored;
    }
    named.query(
        "SELECT execution_id, app FROM scheduler_job_execution WHERE execution_id IN (:ids)",
        Map.of("ids", ids),
        rs -> {
          stored.put(rs.getString(1), rs.getString(2));
        });
    return stored;
  }
}
