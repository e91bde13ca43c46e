//! What the checks found, in the dashboard's language: the subsystem rows and a subsystem's checks page read a
//! refused connection, a timeout, an HTTP status, a self-signed or expiring certificate in Chinese on a
//! Chinese screen, and in the probe's own English on an English one.

#[path = "tui_support/fixture.rs"]
mod fixture;
#[path = "tui_support/screen.rs"]
mod screen;

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use screen::draw;
use watchdesk::config::Lang;
use watchdesk::engine::{CheckView, Health, LastProbe};
use watchdesk::probe::{Outcome, Phase, Reason, Waiting};
use watchdesk::tui::app::{App, UiState};

fn check(base: &CheckView, name: &str, health: Health, outcome: Outcome) -> CheckView {
    let mut c = base.clone();
    c.id = format!("sysadmin/{name}");
    c.name = name.into();
    c.health = health;
    if let Some(last) = &mut c.last {
        *last = LastProbe {
            outcome,
            ..last.clone()
        };
    }
    c
}

fn down(phase: Phase, reason: Reason) -> Outcome {
    Outcome::Down { phase, reason }
}

fn app() -> App {
    let mut snap = (*fixture::snapshot(false)).clone();
    let sysadmin = &mut snap.subsystems[0];
    let base = sysadmin.checks[0].clone();
    sysadmin.checks = vec![
        check(
            &base,
            "sysadmin-api",
            Health::Down,
            down(
                Phase::Connect,
                Reason::Refused {
                    address: "10.0.1.10:8080".into(),
                },
            ),
        ),
        check(
            &base,
            "sysadmin-login",
            Health::Down,
            down(
                Phase::Timeout,
                Reason::TimedOut {
                    waiting: Waiting::NoResponse,
                    within: "10s".into(),
                },
            ),
        ),
        check(
            &base,
            "sysadmin-tls",
            Health::Down,
            down(
                Phase::Tls,
                Reason::SelfSigned {
                    host: "sso.example.gov.cn".into(),
                },
            ),
        ),
        check(
            &base,
            "sysadmin-cert",
            Health::Degraded,
            Outcome::Degraded {
                reason: Reason::CertExpiring {
                    days: 19,
                    date: "2026-12-17".into(),
                    under: 30,
                    critical: false,
                },
            },
        ),
    ];
    let display = snap.subsystems.iter_mut().find(|s| s.id == "display").unwrap();
    if let Some(last) = &mut display.checks[0].last {
        last.outcome = down(
            Phase::Status,
            Reason::Status {
                code: 503,
                expected: "200".into(),
                location: None,
                follows: true,
            },
        );
    }
    App::new(Arc::new(snap), UiState::new("zhang.wei"), fixture::now())
}

fn press(app: &mut App, code: KeyCode) {
    let action = app
        .handle_key(KeyEvent::new(code, KeyModifiers::NONE))
        .expect("key does something");
    app.update(action);
}

#[test]
fn the_dashboard_rows_say_why_in_the_screens_language() {
    let app = app();
    let zh = draw(&app, Lang::Zh, 160, 48);
    assert!(
        zh.contains("连接：10.0.1.10:8080 拒绝连接（该端口无服务监听）"),
        "{zh}"
    );
    assert!(
        zh.contains("维护窗口 · 状态码：HTTP 503 服务不可用（应为 200）"),
        "{zh}"
    );
    assert!(!zh.contains("connection refused"), "{zh}");
    let en = draw(&app, Lang::En, 160, 48);
    assert!(
        en.contains("connect: connection refused by 10.0.1.10:8080 (nothing listens on that port)"),
        "{en}"
    );
    assert!(
        en.contains("status: HTTP 503 Service Unavailable (expected 200)"),
        "{en}"
    );
}

#[test]
fn a_subsystems_checks_say_what_they_found_in_the_screens_language() {
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    let zh = draw(&app, Lang::Zh, 120, 30);
    for words in [
        "连接：10.0.1.10:8080 拒绝连接（该端口无服务监听）",
        "超时：10s 内无响应",
        "TLS：与 sso.example.gov.cn 的 TLS 失败：自签名证书（不受信任）",
        "证书 19 天后到期（2026-12-17），少于预警阈值 30 天",
    ] {
        assert!(zh.contains(words), "{words} in\n{zh}");
    }
    for english in ["refused", "within", "self-signed", "expires"] {
        assert!(!zh.contains(english), "{english} in\n{zh}");
    }
    let en = draw(&app, Lang::En, 120, 30);
    for words in [
        "timeout: no response within 10s",
        "TLS: TLS with sso.example.gov.cn failed: self-signed certificate (not trusted)",
        "certificate expires in 19 days (2026-12-17), under the warning 30",
    ] {
        assert!(en.contains(words), "{words} in\n{en}");
    }
    insta::assert_snapshot!("checks_found_120x30_zh", zh);
    insta::assert_snapshot!("checks_found_120x30_en", en);
}
