//! The commented configuration `watchdesk init` writes: the platform's five subsystems with placeholder URLs.

pub const TEMPLATE: &str = r#"# watchdesk configuration — 福建省水利质量检测监管平台
# Durations are written "1500ms", "30s", "15m", "2h", "1d". Unknown keys are errors, so a typo never
# silently disables a check. Validate with: watchdesk config check

[platform]
name = "福建省水利质量检测监管平台"
timezone = "Asia/Shanghai"          # display zone and the day boundary of the daily ledger
# lang = "zh"                       # zh | en (default: from LANG)
# theme = "default"                 # default | light | high-contrast | mono | a file in the config directory

[storage]
# data_dir = "~/.local/share/watchdesk"   # default: $WATCHDESK_DATA, else $XDG_DATA_HOME/watchdesk

[audit]
# The key the audit log and backups are authenticated with (HMAC-SHA256). Keep it outside the data directory,
# mode 0600; it is created when missing. Without it nobody can show the log was not rewritten: back it up apart
# from the data.
# key_file = "~/.config/watchdesk/audit.key"   # default: $WATCHDESK_AUDIT_KEY, else $XDG_CONFIG_HOME/watchdesk/audit.key

[health]
failures_to_down = 3                # consecutive failures before a check is down
successes_to_up = 2                 # consecutive successes before it is up again
degraded_incident_after = "10m"     # degraded this long opens a major incident

# 系统管理子系统 — the others need it, so their faults are "blocked by" it when it is down.
[[subsystem]]
id = "sysadmin"
name = "系统管理子系统"
  [[subsystem.check]]
  kind = "http"
  url = "https://example.invalid/sysadmin/api/health"
  interval = "30s"
  timeout = "10s"
  slow = "1500ms"                   # slower than this → degraded
  expect_status = [200]
  severity = "critical"             # of the incident a confirmed fault opens

[[subsystem]]
id = "digital"
name = "水利质量检测数字管理子系统"
depends_on = ["sysadmin"]
  [[subsystem.check]]
  kind = "http"
  url = "https://example.invalid/digital/api/health"
  interval = "30s"
  timeout = "10s"
  slow = "1500ms"
  expect_status = [200]
  body_contains = "ok"
  severity = "critical"
  [[subsystem.check]]
  kind = "tls"
  address = "example.invalid:443"
  warn_days = 30
  critical_days = 7
  [[subsystem.check]]
  kind = "file"                     # 数据备份: the newest backup is recent and not empty
  path = "/backup/db/*.sql.gz"
  max_age = "26h"
  min_size = "1MB"
  interval = "10m"
  severity = "major"

[[subsystem]]
id = "engineering"
name = "水利工程检测平台子系统"
depends_on = ["sysadmin"]
  [[subsystem.check]]
  kind = "http"
  url = "https://example.invalid/engineering/api/health"
  slow = "1500ms"

[[subsystem]]
id = "smart"
name = "智慧检子系统"
depends_on = ["sysadmin"]
  [[subsystem.check]]
  kind = "http"
  url = "https://example.invalid/smart/api/health"
  slow = "1500ms"

[[subsystem]]
id = "display"
name = "综合展示子系统"
depends_on = ["sysadmin"]
  [[subsystem.check]]
  kind = "http"
  url = "https://example.invalid/display/api/health"
  slow = "2s"
  severity = "major"

[[host]]
name = "app-01"
source = "local"                    # local (sysinfo) | node_exporter
warn = 80                           # percent
critical = 90
critical_for = "5m"                 # over critical this long opens a major fault

# [[host]]
# name = "db-01"
# source = "node_exporter"
# url = "http://db-01.example.invalid:9100/metrics"

# The contract's deadlines (服务响应要求); these are the defaults.
[policy.critical]
respond = "15m"
plan = "2h"
recover = "12h"

[policy.major]
respond = "15m"
plan = "4h"
recover = "24h"

[policy.change]
respond = "24h"

[policy.security]
working_days = 10

[calendar]
holidays = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"]
workdays = ["2026-09-27", "2026-10-10"]      # make-up workdays (调休)

# [[maintenance]]
# subsystem = "digital"
# weekly = "Sun 02:00-04:00"

[records]
daily_reminder_hour = 18            # from this local hour a missing daily record is flagged

# Notifications: robots, webhooks and mail. Secrets are never written here: name an environment variable
# (token_env, secret_env, password_env) or a file only its owner can read (token_file, ... mode 0600).
# Try a channel with: watchdesk notify test oncall-dingtalk
# [notify]
# bell = true                       # ring the terminal bell in dashboards when a critical incident opens
#
# [[notify.channel]]
# name = "oncall-dingtalk"
# kind = "dingtalk"                 # dingtalk | feishu | wecom | webhook | email
# url = "https://oapi.dingtalk.com/robot/send"
# token_env = "WATCHDESK_DINGTALK_TOKEN"     # the robot's access_token
# secret_env = "WATCHDESK_DINGTALK_SECRET"   # 加签 secret (SEC...)
# at_mobiles = ["13800000000"]      # @ them for criticals that need a person now
# per_minute = 20                   # DingTalk's limit; more at once goes as one digest
#
# [[notify.channel]]
# name = "lead-mail"
# kind = "email"
# host = "smtp.example.invalid"
# security = "starttls"             # starttls (587) | tls (465) | none (a relay on this host)
# username = "oncall@example.invalid"
# password_file = "/etc/watchdesk/smtp.password"
# from = "watchdesk <oncall@example.invalid>"
# to = ["lead@example.invalid"]
#
# [notify.rules]                    # every event is on by default, to every channel; these are the defaults
# due_soon = { respond = ["5m"], plan = ["30m"], recover = ["30m"] }
# renotify = { every = "5m", min_severity = "critical" }   # until acknowledged
# escalate = { after = "15m", channels = ["lead-mail"] }   # unacknowledged this long: tell the lead
# daily_missing = { hour = 18 }
# monthly_missing = { day = 25 }
# opened = { min_severity = "major" }                       # e.g. no robot message for minor tickets

# Prometheus and Alertmanager (watchdesk serve only): /metrics for scraping, and alerts that open incidents.
# The intake needs a bearer token (token_env or token_file, mode 0600); /metrics may have its own.
# [http]
# listen = "127.0.0.1:9464"
# token_env = "WATCHDESK_INTAKE_TOKEN"
# metrics_token_file = "/etc/watchdesk/metrics.token"
# max_body = "1MiB"
#
# Which incident an alert opens, by its labels; the first route that matches wins, else a major fault.
# [[alert_route]]
# matchers = ['severity="critical"']       # =, !=, =~, !~ as in Alertmanager
# subsystem = "digital"
# kind = "fault"
# severity = "critical"
"#;
