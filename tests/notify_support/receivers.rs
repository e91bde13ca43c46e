//! Local stand-ins for the vendors, on 127.0.0.1: each checks the request the way its vendor documents it —
//! the signature recomputed here, independently of watchdesk's code — and answers with the vendor's own
//! success and error bodies. A test switches a receiver into throttling or failing with [`Behaviour`].
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;

/// One request as the receiver saw it, and what it concluded.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// `Some(true)`: the signature was present and verified; `Some(false)`: present and wrong.
    pub signature_ok: Option<bool>,
}

impl Seen {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn query(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// How the receiver answers, whatever the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Check the request and answer as the vendor would.
    Normal,
    /// The vendor's own "too fast" answer (HTTP 200 with its code).
    VendorThrottle,
    /// HTTP 429 with `Retry-After: 7`.
    Http429,
    /// HTTP 503.
    Http503,
}

pub struct Reply {
    pub status: u16,
    pub body: String,
}

fn ok_json(body: Value) -> Reply {
    Reply {
        status: 200,
        body: body.to_string(),
    }
}

type Vendor = Arc<dyn Fn(&mut Seen, Behaviour) -> Reply + Send + Sync>;

#[derive(Clone)]
struct Shared {
    vendor: Vendor,
    seen: Arc<Mutex<Vec<Seen>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

pub struct Receiver {
    pub addr: SocketAddr,
    shared: Shared,
}

impl Receiver {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn behave(&self, behaviour: Behaviour) {
        if let Ok(mut b) = self.shared.behaviour.lock() {
            *b = behaviour;
        }
    }
}

async fn start(vendor: Vendor) -> Receiver {
    let shared = Shared {
        vendor,
        seen: Arc::default(),
        behaviour: Arc::new(Mutex::new(Behaviour::Normal)),
    };
    let app = Router::new().fallback(handle).with_state(shared.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Receiver { addr, shared }
}

async fn handle(State(shared): State<Shared>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let query = reqwest::Url::parse(&format!("http://x{uri}"))
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let mut seen = Seen {
        path: uri.path().to_string(),
        query,
        headers,
        body: body.to_vec(),
        signature_ok: None,
    };
    let behaviour = *shared.behaviour.lock().unwrap();
    let response = match behaviour {
        Behaviour::Http429 => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "7")],
            "slow down".to_string(),
        )
            .into_response(),
        Behaviour::Http503 => (StatusCode::SERVICE_UNAVAILABLE, "upstream unavailable").into_response(),
        _ => {
            let reply = (shared.vendor)(&mut seen, behaviour);
            let status = StatusCode::from_u16(reply.status).unwrap();
            (status, [("content-type", "application/json")], reply.body).into_response()
        }
    };
    shared.seen.lock().unwrap().push(seen);
    response
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// DingTalk's algorithm as its documentation's Python sample writes it:
/// `base64(hmac_sha256(key=secret, msg=f"{timestamp}\n{secret}"))` (the query decoder has already undone
/// the URL encoding).
pub fn dingtalk_sign(secret: &str, timestamp: &str) -> String {
    STANDARD.encode(hmac_sha256(
        secret.as_bytes(),
        format!("{timestamp}\n{secret}").as_bytes(),
    ))
}

/// Feishu's: the key is `f"{timestamp}\n{secret}"`, the message empty.
pub fn feishu_sign(secret: &str, timestamp: &str) -> String {
    STANDARD.encode(hmac_sha256(format!("{timestamp}\n{secret}").as_bytes(), b""))
}

/// The generic webhook's: hex HMAC keyed by the secret over `"{timestamp}.{body}"`.
pub fn webhook_sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    format!("sha256={}", hex::encode(hmac_sha256(secret.as_bytes(), &signed)))
}

/// A DingTalk custom robot at `/robot/send` with this token and (optionally) this signing secret; its
/// clock reads `now_ms`.
pub async fn dingtalk(token: &str, secret: Option<&str>, now_ms: i64) -> Receiver {
    let token = token.to_string();
    let secret = secret.map(str::to_string);
    start(Arc::new(move |seen: &mut Seen, behaviour| {
        if seen.path != "/robot/send" {
            return Reply {
                status: 404,
                body: "not found".into(),
            };
        }
        if seen.query("access_token") != Some(token.as_str()) {
            return ok_json(json!({"errcode": 300001, "errmsg": "token is not exist"}));
        }
        if let Some(secret) = &secret {
            let (Some(timestamp), Some(sign)) = (seen.query("timestamp"), seen.query("sign")) else {
                return ok_json(json!({"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}));
            };
            let fresh = timestamp
                .parse::<i64>()
                .is_ok_and(|t| (t - now_ms).abs() <= 3_600_000);
            let ok = fresh && sign == dingtalk_sign(secret, timestamp);
            seen.signature_ok = Some(ok);
            if !ok {
                return ok_json(json!({"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}));
            }
        }
        let body = seen.json();
        let markdown_ok = body["msgtype"] == "markdown"
            && body["markdown"]["title"].is_string()
            && body["markdown"]["text"].is_string();
        if !markdown_ok {
            return ok_json(json!({"errcode": 40035, "errmsg": "缺少参数 json"}));
        }
        if behaviour == Behaviour::VendorThrottle {
            return ok_json(json!({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}));
        }
        ok_json(json!({"errcode": 0, "errmsg": "ok"}))
    }))
    .await
}

/// A Feishu custom bot at `/open-apis/bot/v2/hook/{token}`; its clock reads `now_s`.
pub async fn feishu(token: &str, secret: Option<&str>, now_s: i64) -> Receiver {
    let path = format!("/open-apis/bot/v2/hook/{token}");
    let secret = secret.map(str::to_string);
    start(Arc::new(move |seen: &mut Seen, behaviour| {
        if seen.path != path {
            return Reply {
                status: 400,
                body: json!({"code": 19001, "data": {}, "msg": "param invalid: incoming webhook access token invalid"}).to_string(),
            };
        }
        let body = seen.json();
        if let Some(secret) = &secret {
            // Both strings, in the body.
            let (Some(timestamp), Some(sign)) = (body["timestamp"].as_str(), body["sign"].as_str()) else {
                return ok_json(json!({"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour from current time"}));
            };
            let fresh = timestamp
                .parse::<i64>()
                .is_ok_and(|t| (t - now_s).abs() <= 3_600);
            let ok = fresh && sign == feishu_sign(secret, timestamp);
            seen.signature_ok = Some(ok);
            if !ok {
                return ok_json(json!({"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour from current time"}));
            }
        }
        let card_ok = body["msg_type"] == "interactive"
            && body["card"]["header"]["title"]["content"].is_string()
            && body["card"]["elements"].is_array();
        if !card_ok {
            return Reply {
                status: 400,
                body: json!({"code": 9499, "data": {}, "msg": "Bad Request"}).to_string(),
            };
        }
        if behaviour == Behaviour::VendorThrottle {
            return Reply {
                status: 200,
                body: json!({"code": 9499, "data": {}, "msg": "too many request"}).to_string(),
            };
        }
        ok_json(json!({"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}))
    }))
    .await
}

/// A WeCom group robot at `/cgi-bin/webhook/send?key=…`, with WeCom's documented size limits.
pub async fn wecom(key: &str) -> Receiver {
    let key = key.to_string();
    start(Arc::new(move |seen: &mut Seen, behaviour| {
        if seen.query("key") != Some(key.as_str()) {
            return ok_json(json!({"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_abc], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=93000"}));
        }
        let body = seen.json();
        let fits = match body["msgtype"].as_str() {
            Some("markdown") => body["markdown"]["content"].as_str().is_some_and(|c| c.len() <= 4096),
            Some("text") => body["text"]["content"].as_str().is_some_and(|c| c.len() <= 2048),
            _ => false,
        };
        if !fits {
            return ok_json(json!({"errcode": 40058, "errmsg": "markdown.content exceed max length 4096. invalid Request Parameter"}));
        }
        if behaviour == Behaviour::VendorThrottle {
            return ok_json(json!({"errcode": 45009, "errmsg": "api freq out of limit, hint: [1700000000_2_def]"}));
        }
        ok_json(json!({"errcode": 0, "errmsg": "ok"}))
    }))
    .await
}

/// A receiver of watchdesk's own webhook schema at `/hook`, checking bearer token and signature.
pub async fn webhook(token: Option<&str>, secret: Option<&str>, now_s: i64) -> Receiver {
    let token = token.map(str::to_string);
    let secret = secret.map(str::to_string);
    start(Arc::new(move |seen: &mut Seen, _| {
        if let Some(token) = &token
            && seen.header("authorization") != Some(format!("Bearer {token}").as_str())
        {
            return Reply {
                status: 401,
                body: "missing or wrong bearer token".into(),
            };
        }
        if let Some(secret) = &secret {
            let timestamp = seen.header("x-watchdesk-timestamp").unwrap_or("").to_string();
            let signature = seen.header("x-watchdesk-signature").unwrap_or("").to_string();
            let fresh = timestamp.parse::<i64>().is_ok_and(|t| (t - now_s).abs() <= 300);
            let ok = fresh && signature == webhook_sign(secret, &timestamp, &seen.body);
            seen.signature_ok = Some(ok);
            if !ok {
                return Reply {
                    status: 401,
                    body: "signature does not verify".into(),
                };
            }
        }
        let body = seen.json();
        if body["schema"] != "watchdesk.notification/v1"
            || seen.header("idempotency-key") != body["key"].as_str()
        {
            return Reply {
                status: 422,
                body: "unexpected body".into(),
            };
        }
        Reply {
            status: 202,
            body: json!({"accepted": true}).to_string(),
        }
    }))
    .await
}
