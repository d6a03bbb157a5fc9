package dev.scheduler.monitor.notify;

/** Where a notification goes, each with its webhook format and signature. */
public enum ChannelType {
  /** Any HTTP endpoint: the alert as JSON, HMAC-SHA256 signed when a secret is set. */
  WEBHOOK,
  /** DingTalk robot: Markdown message; with a secret, the signed timestamp in the URL. */
  DINGTALK,
  /** Feishu/Lark bot: text message; with a secret, the signed timestamp in the body. */
  FEISHU,
  /** WeCom (WeChat Work) group robot: Markdown message. */
  WECOM,
  /** Slack incoming webhook: text in Slack's mrkdwn. */
  SLACK,
  /** E-mail over the configured SMTP server. */
  EMAIL
}
