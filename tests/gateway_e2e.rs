//! End to end over real loopback HTTP: the client side of the codec, `ureq`, the loopback
//! gateway (`tests/support/loopback.rs`, on the gateway side of the codec) and back. Every
//! socket is on 127.0.0.1, every wait is bounded.

mod support;

use std::time::Duration;

use alipay_codec::api::verifyidentity::response::ErrCode;
use alipay_codec::api::verifyidentity::{
    Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
    VerifyIdentityApplyResponse,
};
use alipay_codec::api::Method;
use alipay_codec::gateway::INVALID_SIGNATURE_SUB_MSG;
use alipay_codec::notify::{NotifyMode, NotifyOptions, UntrustedNotification};
use alipay_codec::response::{Authenticity, GatewayCode};
use alipay_codec::{
    response, AlipayPublicKey, AppConfig, AppPrivateKey, EncodedRequest, Error, Reply,
    ResponseOptions, SignType, Timestamp,
};
use support::loopback::{self, Gateway, LoopbackServer};

const TIMEOUT: Duration = Duration::from_secs(10);

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into()
}

/// POSTs `query` + `body` to `url` and returns the response body.
fn post(url: &str, query: &str, body: &str) -> Vec<u8> {
    agent()
        .post(format!("{url}?{query}"))
        .header("Content-Type", alipay_codec::CONTENT_TYPE)
        .send(body)
        .expect("loopback POST")
        .body_mut()
        .read_to_vec()
        .expect("response body")
}

fn config() -> AppConfig {
    AppConfig::builder(loopback::APP_ID).build().unwrap()
}

fn app_key() -> AppPrivateKey {
    AppPrivateKey::parse(loopback::APP_PRIVATE_KEY).unwrap()
}

fn alipay_public() -> AlipayPublicKey {
    AlipayPublicKey::parse(loopback::ALIPAY_PUBLIC_KEY).unwrap()
}

fn now() -> Timestamp {
    Timestamp::parse("2014-07-24 03:07:50").unwrap()
}

fn apply(account_id: &str, products: Vec<Product>) -> VerifyIdentityApplyRequest {
    VerifyIdentityApplyRequest::builder()
        .biz_id("test_302857831249")
        .account_id(account_id)
        .validate_product_group(products)
        .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
        .build()
        .unwrap()
}

/// Zhang San (a loopback account) asking for the payment password and face products.
fn zhang_san_payment_password_and_face() -> VerifyIdentityApplyRequest {
    apply(
        loopback::ACCOUNT_ZHANG_SAN,
        vec![
            Product::new(1, ProductName::NativePaymentPassword),
            Product::new(2, ProductName::Face),
        ],
    )
}

fn encode(config: &AppConfig, request: &VerifyIdentityApplyRequest) -> EncodedRequest {
    config.encode::<VerifyIdentityApply>(request, &now(), &app_key().unblinded()).unwrap()
}

fn decode(body: &[u8]) -> Result<Reply<VerifyIdentityApplyResponse>, Error> {
    response::decode::<VerifyIdentityApply>(
        body,
        SignType::Rsa2,
        &alipay_public(),
        ResponseOptions::new(),
    )
}

fn call(server: &LoopbackServer, request: &VerifyIdentityApplyRequest) -> Vec<u8> {
    let encoded = encode(&config(), request);
    post(server.url(), encoded.query(), encoded.body())
}

#[test]
fn success_is_verified_and_typed() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let request = zhang_san_payment_password_and_face();
    let reply = decode(&call(&server, &request)).unwrap();
    assert_eq!(reply.authenticity, Authenticity::Verified);
    assert!(reply.is_success());
    let body = reply.body.unwrap();
    assert!(body.is_success);
    assert_eq!(body.usable_product_group, [Product::new(1, ProductName::NativePaymentPassword)]);
    assert_eq!(body.unusable_product_list, [Product::new(2, ProductName::Face)]);
    // The gateway rebuilt exactly the content the client signed.
    let traces = server.traces();
    assert_eq!(traces.len(), 1);
    assert!(traces[0].verified);
    assert_eq!(traces[0].sign_content, encode(&config(), &request).sign_content());
}

#[test]
fn a_body_not_sent_as_a_form_is_refused() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let encoded = encode(&config(), &zhang_san_payment_password_and_face());
    let url = encoded.url(server.url());
    for content_type in ["text/plain", "application/json;charset=utf-8"] {
        let response =
            agent().post(&url).header("Content-Type", content_type).send(encoded.body()).unwrap();
        assert_eq!(response.status().as_u16(), 415, "{content_type}");
    }
    assert!(server.traces().is_empty(), "nothing reached the gateway");
    // The same request as a form is answered.
    let response = agent()
        .post(&url)
        .header("Content-Type", encoded.content_type())
        .send(encoded.body())
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(server.traces().len(), 1);
}

#[test]
fn unknown_product_is_usable_query_fail() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let request =
        apply(loopback::ACCOUNT_FACE, vec![Product::new(1, ProductName::Other("IRIS".into()))]);
    let reply = decode(&call(&server, &request)).unwrap();
    assert!(reply.is_verified());
    assert!(reply.is_success(), "a gateway success carrying a business failure");
    let body = reply.body.unwrap();
    assert!(!body.is_success);
    assert_eq!(body.err_code, Some(ErrCode::UsableQueryFail));
    assert_eq!(body.err_message.as_deref(), Some("参数validate_product_group包含的产品参数错误"));
}

#[test]
fn system_error_is_the_pages_success_example() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let request = apply(
        loopback::ACCOUNT_SYSTEM_ERROR,
        vec![Product::new(1, ProductName::NativePaymentPassword)],
    );
    let reply = decode(&call(&server, &request)).unwrap();
    assert!(reply.is_verified() && reply.is_success());
    assert_eq!(reply.err_code(), Some(ErrCode::SystemError));
    let body = reply.body.unwrap();
    assert!(!body.is_success);
    assert_eq!(body.err_message.as_deref(), Some("系统繁忙"));
}

#[test]
fn a_blank_required_field_sent_raw_is_usable_query_fail_naming_it() {
    // The typed request cannot be built with a blank field; a raw biz_content can be sent.
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let fields = ["biz_id", "account_id", "validate_product_group", "scene_code"];
    for blank in fields {
        let mut biz = serde_json::json!({
            "biz_id": "b",
            "account_id": loopback::ACCOUNT_FACE,
            "validate_product_group": r#"{"id":1,"name":"FACE"}"#,
            "scene_code": "s",
        });
        biz[blank] = serde_json::Value::from(" ");
        let encoded = config()
            .encode_raw(
                VerifyIdentityApply::NAME,
                Some(&biz.to_string()),
                &[],
                &now(),
                &app_key().unblinded(),
            )
            .unwrap();
        let reply = decode(&post(server.url(), encoded.query(), encoded.body())).unwrap();
        assert!(reply.is_verified() && reply.is_success(), "{blank}");
        assert_eq!(reply.err_code(), Some(ErrCode::UsableQueryFail), "{blank}");
        let message = reply.body.unwrap().err_message.unwrap();
        assert_eq!(message, format!("参数{blank}为空"));
    }
}

#[test]
fn unknow_error_is_20000_outcome_unknown() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let request = apply(
        loopback::ACCOUNT_UNKNOW_ERROR,
        vec![Product::new(1, ProductName::NativePaymentPassword)],
    );
    let reply = decode(&call(&server, &request)).unwrap();
    assert!(reply.is_verified());
    assert!(!reply.is_success());
    assert_eq!(reply.status.code, "20000");
    assert_eq!(reply.status.msg, "Service Currently Unavailable");
    assert_eq!(reply.status.sub_code.as_deref(), Some("isp.unknow-error"));
    assert!(reply.status.gateway_code().is_outcome_unknown());
}

#[test]
fn tampered_parameter_is_invalid_signature_quoting_the_gateway_content() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let request =
        apply(loopback::ACCOUNT_FACE, vec![Product::new(1, ProductName::NativePaymentPassword)]);
    let encoded = encode(&config(), &request);
    // An intermediary rewrites the account in the signed body.
    let body = encoded.body().replace(loopback::ACCOUNT_FACE, loopback::ACCOUNT_ZHANG_SAN);
    assert_ne!(body, encoded.body());
    let reply = decode(&post(server.url(), encoded.query(), &body)).unwrap();
    assert!(reply.is_verified(), "the rejection is signed in the method's node");
    assert_eq!(reply.status.code, "40002");
    assert_eq!(reply.status.sub_code.as_deref(), Some("isv.invalid-signature"));
    let expected_content =
        encoded.sign_content().replace(loopback::ACCOUNT_FACE, loopback::ACCOUNT_ZHANG_SAN);
    assert_eq!(
        reply.status.sub_msg.as_deref(),
        Some(format!("{INVALID_SIGNATURE_SUB_MSG}{expected_content}").as_str())
    );
    assert!(!server.traces()[0].verified);
}

#[test]
fn missing_sign_is_40001() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let encoded =
        encode(&config(), &apply(loopback::ACCOUNT_FACE, vec![Product::new(1, ProductName::Face)]));
    let query: Vec<&str> = encoded.query().split('&').filter(|p| !p.starts_with("sign=")).collect();
    let reply = decode(&post(server.url(), &query.join("&"), encoded.body())).unwrap();
    assert_eq!(reply.status.gateway_code(), GatewayCode::MissingArguments);
    assert_eq!(reply.status.sub_code.as_deref(), Some("isv.missing-signature"));
}

/// A method the loopback gateway does not serve.
struct TradeQuery;

impl Method for TradeQuery {
    const NAME: &'static str = "alipay.trade.query";
    type BizContent = serde_json::Value;
    type Response = serde_json::Value;
}

#[test]
fn other_methods_are_invalid_method_in_error_response() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let biz = serde_json::json!({ "out_trade_no": "1" });
    let encoded = config().encode::<TradeQuery>(&biz, &now(), &app_key().unblinded()).unwrap();
    let body = post(server.url(), encoded.query(), encoded.body());
    let untrusted = response::UntrustedResponse::parse(&body, TradeQuery::NAME).unwrap();
    assert!(untrusted.is_error_node());
    let reply = response::decode::<TradeQuery>(
        &body,
        SignType::Rsa2,
        &alipay_public(),
        ResponseOptions::new(),
    )
    .unwrap();
    assert_eq!(reply.authenticity, Authenticity::Unsigned);
    assert_eq!(reply.status.code, "40002");
    assert_eq!(reply.status.sub_code.as_deref(), Some("isv.invalid-method"));
}

#[test]
fn unknown_app_id_is_invalid_app_id() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let config = AppConfig::builder("2021000000000000").build().unwrap();
    let encoded =
        encode(&config, &apply(loopback::ACCOUNT_FACE, vec![Product::new(1, ProductName::Face)]));
    let reply = decode(&post(server.url(), encoded.query(), encoded.body())).unwrap();
    assert_eq!(reply.status.sub_code.as_deref(), Some("isv.invalid-app-id"));
}

/// Forwards every POST to `upstream` and flips one byte of the node in the answer.
fn tampering_proxy(
    upstream: String,
    tamper: fn(&str) -> String,
) -> (String, std::thread::JoinHandle<usize>, std::sync::Arc<tiny_http::Server>) {
    let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let url = format!("http://{}/gateway.do", server.server_addr().to_ip().unwrap());
    let proxy = std::sync::Arc::clone(&server);
    let thread = std::thread::spawn(move || {
        let mut served = 0;
        // Bounded: one request, or give up after the timeout.
        if let Ok(Some(mut request)) = proxy.recv_timeout(TIMEOUT) {
            let query = request.url().split_once('?').map_or("", |(_, q)| q).to_owned();
            let mut body = String::new();
            std::io::Read::read_to_string(&mut request.as_reader(), &mut body).unwrap();
            let answer = String::from_utf8(post(&upstream, &query, &body)).unwrap();
            let _ = request.respond(tiny_http::Response::from_string(tamper(&answer)));
            served += 1;
        }
        served
    });
    (url, thread, server)
}

#[test]
fn response_tampered_in_flight_is_rejected() {
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let request = zhang_san_payment_password_and_face();
    // Control: an honest proxy passes a response that verifies.
    let (url, thread, _proxy) = tampering_proxy(server.url().to_owned(), str::to_owned);
    let encoded = encode(&config(), &request);
    let honest = post(&url, encoded.query(), encoded.body());
    assert_eq!(thread.join().unwrap(), 1);
    assert!(decode(&honest).unwrap().is_verified());

    // A proxy that turns the unusable FACE product into a usable one.
    let (url, thread, _proxy) = tampering_proxy(server.url().to_owned(), |body| {
        body.replacen(r#""unusable_product_list""#, r#""usable_product_list_""#, 1)
            .replacen(r#""usable_product_group""#, r#""unusable_product_list""#, 1)
            .replacen(r#""usable_product_list_""#, r#""usable_product_group""#, 1)
    });
    let tampered = post(&url, encoded.query(), encoded.body());
    assert_eq!(thread.join().unwrap(), 1);
    assert_ne!(tampered, honest, "the proxy changed the bytes");
    assert_eq!(decode(&tampered).unwrap_err(), Error::InvalidSignature);
}

#[test]
fn notification_is_delivered_and_verifies() {
    let listener = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let notify_url = format!("http://{}/notify", listener.server_addr().to_ip().unwrap());
    let server = LoopbackServer::start(Gateway::new()).unwrap();
    let config = config().to_builder().notify_url(&notify_url).build().unwrap();
    let request =
        apply(loopback::ACCOUNT_FACE, vec![Product::new(1, ProductName::NativePaymentPassword)]);
    let encoded = encode(&config, &request);
    let reply = decode(&post(server.url(), encoded.query(), encoded.body())).unwrap();
    assert!(reply.is_success());

    let mut delivery =
        listener.recv_timeout(TIMEOUT).unwrap().expect("a notification within the timeout");
    let mut form = Vec::new();
    std::io::Read::read_to_end(&mut delivery.as_reader(), &mut form).unwrap();
    let _ = delivery.respond(tiny_http::Response::from_string("success"));

    let alipay = alipay_public();
    let verified = UntrustedNotification::parse(&form)
        .unwrap()
        .verify(SignType::Rsa2, &alipay, NotifyOptions::new(NotifyMode::V1))
        .unwrap();
    assert_eq!(verified.app_id(), Some(loopback::APP_ID));
    assert_eq!(verified.get("biz_id"), Some("test_302857831249"));
    assert_eq!(verified.get("is_success"), Some("true"));
    // Decoded once: the percent-encoded passback value is kept as it was signed.
    assert_eq!(verified.get("passback_params"), Some("merchant%3Dtest%26id%3D1"));
    // V1: `sign_type` was sent but not signed, so V2 does not verify.
    let v2 = UntrustedNotification::parse(&form).unwrap().verify(
        SignType::Rsa2,
        &alipay,
        NotifyOptions::new(NotifyMode::V2),
    );
    assert_eq!(v2.unwrap_err(), Error::InvalidSignature);
}
