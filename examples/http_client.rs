//! A real HTTP client layered on the codec: build a signed
//! `alipay.security.risk.verifyidentity.apply` request, POST it with `ureq`, then verify and
//! decode the answer. The codec does every protocol step; the transport is a dozen lines.
//!
//! Run against an in-process loopback gateway (no Alipay account needed):
//! `cargo run --example http_client`; or against a running `cargo run --example
//! loopback_gateway`: `cargo run --example http_client -- http://127.0.0.1:<port>/gateway.do`.
//! For the real gateway, use `GATEWAY` with your own keys and an HTTPS-capable `ureq`.

#[path = "../tests/support/loopback.rs"]
mod loopback;

use std::time::Duration;

use alipay_codec::api::verifyidentity::{
    Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
};
use alipay_codec::{
    response, AlipayPublicKey, AppConfig, AppPrivateKey, ResponseOptions, Timestamp,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The gateway: a URL from the command line, or a loopback gateway started here.
    let local;
    let gateway = match std::env::args().nth(1) {
        Some(url) => url,
        None => {
            local = loopback::LoopbackServer::start(loopback::Gateway::new())?;
            local.url().to_owned()
        }
    };

    // The codec: keys parsed once, the configuration, a typed request, encoded and signed.
    let app_key = AppPrivateKey::parse(loopback::APP_PRIVATE_KEY)?;
    let alipay_key = AlipayPublicKey::parse(loopback::ALIPAY_PUBLIC_KEY)?;
    let config = AppConfig::builder(loopback::APP_ID).build()?;
    let request = VerifyIdentityApplyRequest::builder()
        .biz_id("test_302857831249")
        .account_id(loopback::ACCOUNT_FACE)
        .validate_product_group(vec![
            Product::new(1, ProductName::NativePaymentPassword),
            Product::new(2, ProductName::Face),
        ])
        .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
        .build()?;
    let now = Timestamp::from_unix(1_406_142_470)?; // take it from your clock
    let encoded = config.encode::<VerifyIdentityApply>(&request, &now, &app_key.unblinded())?;

    // The transport: POST the query and body, read the body bytes. Nothing else.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let mut http = agent
        .post(encoded.url(&gateway))
        .header("Content-Type", encoded.content_type())
        .send(encoded.body())?;
    let body = http.body_mut().read_to_vec()?;

    // The codec again: verify the exact node bytes, then decode typed data from them.
    let reply = response::decode::<VerifyIdentityApply>(
        &body,
        config.sign_type(),
        &alipay_key,
        ResponseOptions::new(),
    )?;
    println!("HTTP {} from {gateway}", http.status());
    println!("verified: {}, status: {:?}", reply.is_verified(), reply.status);
    println!("result: {:#?}", reply.body);
    Ok(())
}
