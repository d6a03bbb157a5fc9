package dev.scheduler.agent;

/**
 * Thrown by {@link JobContext#checkLease()} once this node no longer holds the lease its attempt
 * runs under, or cannot confirm it still does: another attempt may run elsewhere by now, so a side
 * effect made after this point might be made twice. The agent interrupts the handler as well, and
 * reports the attempt LEASE_LOST, never its result.
 */
public class LeaseLostException extends RuntimeException {

  public LeaseLostException(String message) {
    super(message);
  }
}
