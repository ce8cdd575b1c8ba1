//! The main job: build the signed `alipay.security.risk.verifyidentity.apply` request of the
//! API page's example, with the bundled test key and the fixed timestamp
//! `2014-07-24 03:07:50`, and print what goes on the wire.
//!
//! Run: `cargo run --example main`.
//!
//! The test keys are published: a signature made with them proves nothing outside tests.

use alipay_codec::api::verifyidentity::{
    AccountType, Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
};
use alipay_codec::{AppConfig, AppPrivateKey, EncodedRequest, Error, Timestamp, GATEWAY};

/// The app's private key (the `peers-fixture` test key; PKCS#8 PEM).
const APP_PRIVATE_KEY: &str = include_str!("../tests/keys/app_private_pkcs8.pem");

fn main() -> Result<(), Error> {
    // Step 1: parse the app key once, at start-up.
    let app_key = AppPrivateKey::parse(APP_PRIVATE_KEY)?;
    let signer = app_key.unblinded();

    // Step 2: the app configuration, built once and reused for every request.
    let config = AppConfig::builder("2014072300007148").build()?;

    // Step 3: the typed request of the page's example; every rule of the page is checked here.
    let request = verifyidentity_request()?;

    // Step 4: the timestamp comes from the caller's clock (fixed here, as on the page).
    let timestamp = Timestamp::parse("2014-07-24 03:07:50")?;

    // Step 5: encode and sign.
    let encoded = config.encode::<VerifyIdentityApply>(&request, &timestamp, &signer)?;
    print_request(&encoded);

    // Step 6 (the response work): send it, then verify and decode the answer.
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

/// Prints the sign content, the signature and the HTTP request.
fn print_request(encoded: &EncodedRequest) {
    println!("sign content:\n{}\n", encoded.sign_content());
    println!("signature:\n{}\n", encoded.signature());
    println!("POST {}", encoded.url(GATEWAY));
    println!("Content-Type: {}\n", encoded.content_type());
    println!("{}", encoded.body());
}
