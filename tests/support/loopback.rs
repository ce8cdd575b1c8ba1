//! A loopback Alipay gateway for tests and examples: an HTTP server on `127.0.0.1` (port
//! chosen by the OS) that answers like `openapi.alipay.com/gateway.do`, built on the crate's
//! gateway-side codec (feature `gateway`) and the bundled test keys.
//!
//! - `alipay.security.risk.verifyidentity.apply` is served from a small in-memory table of
//!   accounts and products ([`ACCOUNT_ZHANG_SAN`], [`ACCOUNT_FACE`], [`ACCOUNT_SYSTEM_ERROR`],
//!   [`ACCOUNT_UNKNOW_ERROR`]);
//! - every other method gets `40002 isv.invalid-method` in `error_response`;
//! - a bad envelope gets the gateway's `40001 isv.missing-*` / `40002 isv.invalid-*`;
//! - a request with a `notify_url` on `http://127.0.0.1:` gets, after its answer, a signed V1
//!   notification POSTed there (never anywhere else).
//!
//! [`Gateway::handle`] is the whole gateway as a pure function of the request bytes;
//! [`LoopbackServer`] only moves bytes between it and a socket. Include this file with
//! `#[path = "../tests/support/loopback.rs"] mod loopback;` from an example.
#![allow(dead_code)]

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use alipay_codec::api::verifyidentity::response::{
    parse_products, ErrCode, VerifyIdentityApplyResponse,
};
use alipay_codec::api::verifyidentity::{Product, VerifyIdentityApply};
use alipay_codec::gateway::{
    Node, NotificationEncoder, Rejection, ResponseEncoder, UntrustedRequest, VerifiedRequest,
};
use alipay_codec::notify::NotifyMode;
use alipay_codec::response::GatewayCode;
use alipay_codec::{AlipayPublicKey, AppPrivateKey, SignType};

/// The app the gateway knows.
pub const APP_ID: &str = "2014072300007148";
/// The app's private key (PKCS#8 PEM): what a client signs requests with.
pub const APP_PRIVATE_KEY: &str = include_str!("../keys/app_private_pkcs8.pem");
/// The "Alipay" public key: what a client verifies responses and notifications with.
pub const ALIPAY_PUBLIC_KEY: &str = include_str!("../keys/alipay_public.pem");
const APP_PUBLIC_KEY: &str = include_str!("../keys/app_public.pem");
const ALIPAY_PRIVATE_KEY: &str = include_str!("../keys/alipay_private_pkcs8.pem");

/// The API page's example account: the payment password is usable, face is not.
pub const ACCOUNT_ZHANG_SAN: &str = "330102198807312189";
/// An account with both the payment password and face.
pub const ACCOUNT_FACE: &str = "2088102146225135";
/// Any request for this account gets `20000 isp.unknow-error` (outcome unknown).
pub const ACCOUNT_UNKNOW_ERROR: &str = "2088000000020000";
/// Any request for this account gets the page's success example: `10000` with
/// `is_success: false`, `SYSTEM_ERROR` "系统繁忙".
pub const ACCOUNT_SYSTEM_ERROR: &str = "2088000000010000";

/// The product names the gateway knows; any other makes the query fail with
/// `USABLE_QUERY_FAIL` ("参数validate_product_group包含的产品参数错误").
const KNOWN_PRODUCTS: [&str; 2] = ["NATIVE_PAYMENT_PASSWORD", "FACE"];

/// account id → usable product names.
const ACCOUNTS: [(&str, &[&str]); 2] = [
    (ACCOUNT_ZHANG_SAN, &["NATIVE_PAYMENT_PASSWORD"]),
    (ACCOUNT_FACE, &["NATIVE_PAYMENT_PASSWORD", "FACE"]),
];

/// What the gateway did with one request (for logs and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The sign content the gateway computed from the received bytes (empty when the
    /// envelope was rejected before it could be built).
    pub sign_content: String,
    /// Whether the request's signature verified.
    pub verified: bool,
    /// The answer's `code` and `sub_code` (`"10000"` on success).
    pub outcome: String,
}

/// One answer: the response body, the trace, and a notification to deliver.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The JSON response body.
    pub response: String,
    /// What the gateway did.
    pub trace: Trace,
    /// `(notify_url, form body)` to POST after answering.
    pub notification: Option<(String, String)>,
}

/// The gateway: keys and the account table. Pure: bytes in, bytes out.
pub struct Gateway {
    app_public: AlipayPublicKey,
    alipay_private: AppPrivateKey,
}

impl Gateway {
    /// The gateway with the bundled test keys.
    pub fn new() -> Self {
        Gateway {
            app_public: AlipayPublicKey::parse(APP_PUBLIC_KEY).expect("bundled app public key"),
            alipay_private: AppPrivateKey::parse(ALIPAY_PRIVATE_KEY)
                .expect("bundled Alipay private key"),
        }
    }

    /// Answers one `POST gateway.do?<query>` with form `<body>`.
    pub fn handle(&self, query: &[u8], body: &[u8]) -> Exchange {
        let signer = self.alipay_private.unblinded();
        let untrusted = match UntrustedRequest::parse(query, body) {
            Ok(untrusted) => untrusted,
            Err(rejection) => return self.reject(&rejection, None, String::new()),
        };
        let method = untrusted.method().to_owned();
        let sign_content = untrusted.sign_content();
        if method != <VerifyIdentityApply as alipay_codec::api::Method>::NAME {
            let rejection = Rejection::InvalidMethod { method: method.clone() };
            return self.reject(&rejection, Some(&method), sign_content);
        }
        if untrusted.app_id() != APP_ID {
            let rejection = Rejection::InvalidAppId { app_id: untrusted.app_id().into() };
            return self.reject(&rejection, Some(&method), sign_content);
        }
        let sign_type = untrusted.sign_type();
        let request = match untrusted.verify(&self.app_public) {
            Ok(request) => request,
            Err(rejection) => return self.reject(&rejection, Some(&method), sign_content),
        };
        let node = verifyidentity_apply(&request);
        let outcome = outcome_of(&node.code, node.sub_code.as_deref());
        let response = ResponseEncoder::for_method::<VerifyIdentityApply>()
            .encode(&node, sign_type, &signer)
            .expect("a Node serializes and the rsa signer does not fail");
        let notification = request
            .notify_url()
            .filter(|url| url.starts_with("http://127.0.0.1:"))
            .map(|url| (url.to_owned(), self.notification(&request, &node.body)));
        Exchange {
            response,
            trace: Trace { sign_content: request.sign_content().into(), verified: true, outcome },
            notification,
        }
    }

    /// A rejection, in `error_response` (unsigned, as the gateway answers an unknown method)
    /// or in the method's node (signed).
    fn reject(
        &self,
        rejection: &Rejection,
        method: Option<&str>,
        sign_content: String,
    ) -> Exchange {
        let encoder = rejection.encoder(method);
        let node = rejection.to_node();
        let response = if encoder.node_name() == "error_response" {
            encoder.encode_unsigned(&node)
        } else {
            encoder.encode(&node, SignType::Rsa2, &self.alipay_private.unblinded())
        }
        .expect("a rejection node serializes");
        let outcome = outcome_of(&node.code, node.sub_code.as_deref());
        Exchange {
            response,
            trace: Trace { sign_content, verified: false, outcome },
            notification: None,
        }
    }

    /// The V1 notification of a finished availability query.
    fn notification(
        &self,
        request: &VerifiedRequest<'_>,
        body: &Option<VerifyIdentityApplyResponse>,
    ) -> String {
        let biz_id = request.biz::<ApplyBiz>().map(|b| b.biz_id).unwrap_or_default();
        let is_success =
            body.as_ref().map_or("false", |b| if b.is_success { "true" } else { "false" });
        let params = [
            ("notify_type", "verifyidentity_apply_result"),
            ("notify_id", "2014072300007148000000000001"),
            ("notify_time", request.timestamp().as_str()),
            ("app_id", request.app_id()),
            ("charset", "utf-8"),
            ("version", "1.0"),
            ("biz_id", biz_id.as_str()),
            ("is_success", is_success),
            // A value that was percent-encoded before form encoding: must survive as is.
            ("passback_params", "merchant%3Dtest%26id%3D1"),
        ];
        NotificationEncoder::new(NotifyMode::V1)
            .encode(&params, request.sign_type(), &self.alipay_private.unblinded())
            .expect("valid notification parameters")
    }
}

impl Default for Gateway {
    fn default() -> Self {
        Self::new()
    }
}

fn outcome_of(code: &str, sub_code: Option<&str>) -> String {
    match sub_code {
        Some(sub) => format!("{code} {sub}"),
        None => code.to_owned(),
    }
}

/// The biz content fields the gateway reads (all text; absent ones are empty).
#[derive(serde::Deserialize)]
struct ApplyBiz {
    #[serde(default)]
    biz_id: String,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    validate_product_group: String,
    #[serde(default)]
    scene_code: String,
}

/// `alipay.security.risk.verifyidentity.apply`, from the account table.
fn verifyidentity_apply(
    request: &VerifiedRequest<'_>,
) -> Node<Option<VerifyIdentityApplyResponse>> {
    let failure = |message: &str| VerifyIdentityApplyResponse {
        is_success: false,
        err_code: Some(ErrCode::UsableQueryFail),
        err_message: Some(message.to_owned()),
        usable_product_group: Vec::new(),
        unusable_product_list: Vec::new(),
    };
    let fail = |message: &str| Node::success(Some(failure(message)));
    let biz: ApplyBiz = match request.biz() {
        Ok(biz) => biz,
        Err(cause) => {
            let missing = Rejection::InvalidParameter { cause };
            return Node::failure(
                GatewayCode::InvalidArguments,
                missing.sub_code(),
                missing.sub_msg(),
                None,
            );
        }
    };
    for (value, field) in [
        (&biz.biz_id, "biz_id"),
        (&biz.account_id, "account_id"),
        (&biz.validate_product_group, "validate_product_group"),
        (&biz.scene_code, "scene_code"),
    ] {
        if value.trim().is_empty() {
            return fail(&format!("参数{field}为空"));
        }
    }
    if biz.account_id == ACCOUNT_SYSTEM_ERROR {
        return Node::success(Some(VerifyIdentityApplyResponse {
            err_code: Some(ErrCode::SystemError),
            ..failure("系统繁忙")
        }));
    }
    if biz.account_id == ACCOUNT_UNKNOW_ERROR {
        return Node::failure(
            GatewayCode::ServiceUnavailable,
            "isp.unknow-error",
            "系统繁忙",
            None,
        );
    }
    let requested = match parse_products(&biz.validate_product_group) {
        Ok(products) => products,
        Err(_) => return fail("参数validate_product_group包含的产品参数错误"),
    };
    if requested.iter().any(|p| !KNOWN_PRODUCTS.contains(&p.name.as_str())) {
        return fail("参数validate_product_group包含的产品参数错误");
    }
    let usable_names: &[&str] =
        ACCOUNTS.iter().find(|(id, _)| *id == biz.account_id).map_or(&[], |(_, names)| names);
    let (usable, unusable): (Vec<Product>, Vec<Product>) = requested
        .into_iter()
        .map(|p| Product { uuid: None, ..p })
        .partition(|p| usable_names.contains(&p.name.as_str()));
    Node::success(Some(VerifyIdentityApplyResponse {
        is_success: true,
        err_code: None,
        err_message: None,
        usable_product_group: usable,
        unusable_product_list: unusable,
    }))
}

// ---- HTTP -----------------------------------------------------------------------------------

/// The largest request body the server reads.
const MAX_BODY: u64 = 1 << 20;
/// Timeout of a notification delivery.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(5);

/// The gateway served over HTTP on `127.0.0.1`, on a port the OS chose. Stops on drop.
pub struct LoopbackServer {
    server: Arc<tiny_http::Server>,
    url: String,
    traces: Arc<Mutex<Vec<Trace>>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    /// Starts serving `gateway` on `127.0.0.1:0`.
    pub fn start(gateway: Gateway) -> std::io::Result<Self> {
        let server = tiny_http::Server::http("127.0.0.1:0").map_err(std::io::Error::other)?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("not an IP listener"))?;
        let server = Arc::new(server);
        let traces = Arc::new(Mutex::new(Vec::new()));
        let thread = std::thread::spawn({
            let (server, traces) = (Arc::clone(&server), Arc::clone(&traces));
            move || serve(&server, &gateway, &traces)
        });
        Ok(LoopbackServer {
            server,
            url: format!("http://{addr}/gateway.do"),
            traces,
            thread: Some(thread),
        })
    }

    /// The gateway URL, `http://127.0.0.1:<port>/gateway.do`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What the gateway did with each request so far, in order.
    pub fn traces(&self) -> Vec<Trace> {
        self.traces.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(server: &tiny_http::Server, gateway: &Gateway, traces: &Mutex<Vec<Trace>>) {
    for mut request in server.incoming_requests() {
        let query = request.url().split_once('?').map_or("", |(_, q)| q).to_owned();
        let mut body = Vec::new();
        let read = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
        // The body is read as a form only when it says it is one, as the real gateway reads
        // it: a client that sends another content type must not pass here.
        let is_form = request.headers().iter().any(|h| {
            h.field.equiv("Content-Type")
                && h.value.as_str().split(';').next().is_some_and(|media| {
                    media.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
                })
        });
        let exchange = match (request.method(), read) {
            (tiny_http::Method::Post, Ok(_)) if !is_form => {
                let _ = request.respond(tiny_http::Response::empty(415));
                continue;
            }
            (tiny_http::Method::Post, Ok(_)) => gateway.handle(query.as_bytes(), &body),
            _ => {
                let _ = request.respond(tiny_http::Response::empty(405));
                continue;
            }
        };
        if let Ok(mut t) = traces.lock() {
            t.push(exchange.trace.clone());
        }
        let content_type =
            tiny_http::Header::from_bytes("Content-Type", "application/json;charset=utf-8");
        let mut response = tiny_http::Response::from_string(exchange.response);
        if let Ok(header) = content_type {
            response = response.with_header(header);
        }
        let _ = request.respond(response);
        if let Some((url, form)) = exchange.notification {
            let _ = post_form(&url, &form, NOTIFY_TIMEOUT);
        }
    }
}

/// POSTs a form body and returns the response status and body (plain HTTP, no proxy).
pub fn post_form(url: &str, form: &str, timeout: Duration) -> Result<(u16, String), ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
        .send(form)?;
    let status = response.status().as_u16();
    Ok((status, response.body_mut().read_to_string()?))
}
