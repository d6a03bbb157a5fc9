package dev.scheduler.execution.store;

import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a transaction again when it lost a race for a row: two writers inserting the same new
 * execution (the loser fails on the unique key) or a deadlock. Run again, it finds the row.
 */
public final class RaceReruns {

  /** Runs of a transaction that lost a race before giving up. */
  public static final int RUNS = 4;

  private RaceReruns() {}

  /**
   * The result of {@code work} in a transaction, run again up to {@link #RUNS} times in all.
   *
   * @param raceLost told of every run that lost a race and is run again
   */
  public static <T> T inTransaction(
      TransactionTemplate transactions, Supplier<T> work, Runnable raceLost) {
    for (int run = 1; ; run++) {
      try {
        return transactions.execute(status -> work.get());
      } catch (DuplicateKeyException | PessimisticLockingFailureException e) {
        if (run == RUNS) {
          throw e;
        }
        raceLost.run();
      }
    }
  }
}
