//! The main job: the whole cycle of `alipay.security.risk.verifyidentity.apply` against the
//! loopback gateway, with the bundled test keys and the API page's example request — no
//! Alipay account needed.
//!
//! 1. the request (the page's example, fixed timestamp `2014-07-24 03:07:50`);
//! 2. its signature (RSA2 with the app key);
//! 3. the gateway's verification (it rebuilds the sign content from the bytes it received);
//! 4. the signed response (signed with the "Alipay" key over the node's exact bytes);
//! 5. the verified, typed result.
//!
//! Run: `cargo run --example main`.
//!
//! The test keys are published: a signature made with them proves nothing outside tests.

#[path = "../tests/support/loopback.rs"]
mod loopback;

use std::time::Duration;

use alipay_codec::api::verifyidentity::{
    AccountType, Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
};
use alipay_codec::{
    response, AlipayPublicKey, AppConfig, AppPrivateKey, EncodedRequest, Error, ResponseOptions,
    Timestamp, GATEWAY,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Parse the keys once, at start-up: the app's private key signs requests, the Alipay
    // public key verifies responses.
    let app_key = AppPrivateKey::parse(loopback::APP_PRIVATE_KEY)?;
    let signer = app_key.unblinded();
    let alipay_key = AlipayPublicKey::parse(loopback::ALIPAY_PUBLIC_KEY)?;

    // The app configuration, built once and reused for every request.
    let config = AppConfig::builder(loopback::APP_ID).build()?;

    // The typed request of the page's example; every rule of the page is checked here.
    let request = verifyidentity_request()?;

    // The timestamp comes from the caller's clock (fixed here, as on the page).
    let timestamp = Timestamp::parse("2014-07-24 03:07:50")?;

    // Steps 1 and 2: encode and sign.
    let encoded = config.encode::<VerifyIdentityApply>(&request, &timestamp, &signer)?;
    print_request(&encoded);

    // Step 3: send it to the loopback gateway, which verifies it as Alipay does.
    let gateway = loopback::LoopbackServer::start(loopback::Gateway::new())?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let body = agent
        .post(encoded.url(gateway.url()))
        .header("Content-Type", encoded.content_type())
        .send(encoded.body())?
        .body_mut()
        .read_to_vec()?;
    println!("== 3. the gateway's verification (POST {}) ==", gateway.url());
    for trace in gateway.traces() {
        println!("sign content the gateway computed:\n{}", trace.sign_content);
        // Equal by construction here (the same code rebuilds both from the same bytes); with
        // the real gateway, this comparison is how to read an "invalid-signature" answer.
        println!("same as the client's: {}", trace.sign_content == encoded.sign_content());
        println!("signature verified: {}; answer: {}\n", trace.verified, trace.outcome);
    }

    // Step 4: the signed response, as received.
    println!("== 4. the signed response ==\n{}\n", String::from_utf8_lossy(&body));

    // Step 5: verify the node's exact bytes with the Alipay key, then decode typed data.
    let reply = response::decode::<VerifyIdentityApply>(
        &body,
        config.sign_type(),
        &alipay_key,
        ResponseOptions::new(),
    )?;
    println!("== 5. the verified, typed result ==");
    println!("verified: {}; success: {}", reply.is_verified(), reply.is_success());
    println!("status: {:?}", reply.status);
    println!("{:#?}", reply.body);
    Ok(())
}

/// The seed page's example request, fields in the page's order.
fn verifyidentity_request() -> Result<VerifyIdentityApplyRequest, Error> {
    VerifyIdentityApplyRequest::builder()
        .biz_id("test_302857831249")
        .account_name("张三")
        .account_id("330102198807312189")
        .account_type(AccountType::AlipayUserId)
        .validate_product_group(
            Product::new(1, ProductName::NativePaymentPassword)
                .with_uuid("2ac7745f2151420ea168476b0675010a"),
        )
        .scene_code("metro#metro#metro_forgetpwd_confirm#mobileClient")
        .biz_params_json(r#"{"sms_code":"test","qrcode_expired_time":604800}"#)
        .build()
}

/// Prints the sign content, the signature and the HTTP request (steps 1 and 2).
fn print_request(encoded: &EncodedRequest) {
    println!("== 1. the request ==");
    println!("sign content:\n{}\n", encoded.sign_content());
    println!("== 2. the signature ==");
    println!("signature:\n{}\n", encoded.signature());
    println!("POST {}", encoded.url(GATEWAY));
    println!("Content-Type: {}\n", encoded.content_type());
    println!("{}\n", encoded.body());
}
