//! Request envelopes and the typed `alipay.security.risk.verifyidentity.apply` request:
//! known answers from `tests/vectors/requests.json`, a decode-and-verify round trip, the
//! other encodings, and table-driven bad input.

use std::borrow::Cow;

use alipay_codec::api::verifyidentity::{
    AccountType, Product, ProductName, VerifyIdentityApply, VerifyIdentityApplyRequest,
};
use alipay_codec::api::Method;
use alipay_codec::request::{
    param, AppConfig, EncodedRequest, CONTENT_TYPE, GATEWAY, SANDBOX_GATEWAY,
};
use alipay_codec::{
    form, AlipayPublicKey, AppPrivateKey, Error, FieldRule, KeyRule, Message, SignContent,
    SignType, Signature, Signer, Timestamp, Verifier,
};
use serde::Serialize;
use serde_json::Value;

const APP_KEY: &str = include_str!("keys/app_private_pkcs8.pem");
const APP_PUBLIC: &str = include_str!("keys/app_public.pem");
const VECTORS: &str = include_str!("vectors/requests.json");
/// The shape a raw `validate_product_group` must have (its `BadFormat` expectation).
const PRODUCTS: &str = "a product object (id: digits, name) or a list of them";

/// The `seed-example-request` case of `tests/vectors/requests.json`.
struct SeedVector {
    params: Vec<(String, String)>,
    content: String,
    sign: String,
}

fn seed_vector() -> SeedVector {
    let file: Value = serde_json::from_str(VECTORS).unwrap();
    let case = file["sign"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "seed-example-request")
        .unwrap();
    assert_eq!(case["key"], "peers-fixture");
    assert_eq!(case["sign_type"], "RSA2");
    let params = case["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
        .collect();
    SeedVector {
        params,
        content: case["content"].as_str().unwrap().to_owned(),
        sign: case["sign"].as_str().unwrap().to_owned(),
    }
}

impl SeedVector {
    fn param(&self, key: &str) -> &str {
        &self.params.iter().find(|(k, _)| k == key).unwrap().1
    }
}

/// The page's `biz_params` example, typed: a struct keeps the page's member order.
#[derive(Serialize)]
struct SmsParams {
    sms_code: &'static str,
    qrcode_expired_time: u32,
}

/// The seed page's example request, typed, fields set in page order.
fn seed_request() -> VerifyIdentityApplyRequest {
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
        .biz_params(&SmsParams { sms_code: "test", qrcode_expired_time: 604_800 })
        .build()
        .unwrap()
}

fn seed_config() -> AppConfig {
    AppConfig::builder("2014072300007148").sign_type(SignType::Rsa2).build().unwrap()
}

fn seed_timestamp() -> Timestamp {
    Timestamp::parse("2014-07-24 03:07:50").unwrap()
}

fn app_key() -> AppPrivateKey {
    AppPrivateKey::parse(APP_KEY).unwrap()
}

fn encode_seed() -> EncodedRequest {
    let key = app_key();
    seed_config()
        .encode::<VerifyIdentityApply>(&seed_request(), &seed_timestamp(), &key.unblinded())
        .unwrap()
}

/// A signer that returns a precomputed signature (no RSA), for layout tests.
struct Fixed(Signature);

impl Signer for Fixed {
    fn sign(&self, _: SignType, _: Message<'_>) -> alipay_codec::Result<Signature> {
        Ok(self.0.clone())
    }
}

fn fixed_signer() -> Fixed {
    Fixed(Signature::from_base64(&seed_vector().sign).unwrap())
}

fn decode(text: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    form::decode(text.as_bytes()).unwrap()
}

fn owned(pairs: &[(Cow<'_, str>, Cow<'_, str>)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// ---- known answers ----------------------------------------------------------------------

#[test]
fn seed_biz_content_is_byte_exact() {
    let vector = seed_vector();
    let json = serde_json::to_string(&seed_request()).unwrap();
    assert_eq!(json, vector.param("biz_content"));
    // The encoder's own writer gives the same bytes.
    assert_eq!(VerifyIdentityApply::biz_content_json(&seed_request()).unwrap(), json);
}

#[test]
fn seed_sign_content_and_signature_match_the_official_sdks() {
    let vector = seed_vector();
    let encoded = encode_seed();
    assert_eq!(encoded.sign_content(), vector.content);
    assert_eq!(encoded.signature().as_str(), vector.sign);
}

#[test]
fn seed_blinded_signer_gives_the_same_signature() {
    use rand_core::SeedableRng;
    let key = app_key();
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
    let signer = key.blinded(&mut rng);
    let encoded = seed_config()
        .encode::<VerifyIdentityApply>(&seed_request(), &seed_timestamp(), &signer)
        .unwrap();
    assert_eq!(encoded.signature().as_str(), seed_vector().sign);
}

#[test]
fn seed_query_and_body_known_answer() {
    let vector = seed_vector();
    let encoded = encode_seed();
    // `+`, `/` and `=` of the base64 signature are always percent-encoded.
    let sign = vector.sign.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
    assert!(vector.sign.contains('+') && vector.sign.contains('/') && vector.sign.ends_with("=="));
    assert_eq!(
        encoded.query(),
        format!(
            "app_id=2014072300007148&charset=utf-8&format=JSON\
             &method=alipay.security.risk.verifyidentity.apply&sign={sign}&sign_type=RSA2\
             &timestamp=2014-07-24+03%3A07%3A50&version=1.0"
        )
    );
    assert_eq!(
        encoded.body(),
        "biz_content=%7B%22biz_id%22%3A%22test_302857831249%22%2C%22account_name%22%3A%22\
         %E5%BC%A0%E4%B8%89%22%2C%22account_id%22%3A%22330102198807312189%22%2C%22account_type\
         %22%3A%22ALIPAY_USERID%22%2C%22validate_product_group%22%3A%22%7B%5C%22id%5C%22%3A1%2C\
         %5C%22name%5C%22%3A%5C%22NATIVE_PAYMENT_PASSWORD%5C%22%2C%5C%22uuid%5C%22%3A%5C%222ac7745f\
         2151420ea168476b0675010a%5C%22%7D%22%2C%22scene_code%22%3A%22metro%23metro%23metro_forgetpwd\
         _confirm%23mobileClient%22%2C%22biz_params%22%3A%22%7B%5C%22sms_code%5C%22%3A%5C%22test%5C\
         %22%2C%5C%22qrcode_expired_time%5C%22%3A604800%7D%22%7D"
    );
    assert_eq!(encoded.content_type(), "application/x-www-form-urlencoded;charset=utf-8");
    assert_eq!(CONTENT_TYPE, encoded.content_type());
    assert_eq!(
        encoded.url(GATEWAY),
        format!("https://openapi.alipay.com/gateway.do?{}", encoded.query())
    );
    assert_eq!(
        encoded.url(SANDBOX_GATEWAY),
        format!("https://openapi-sandbox.dl.alipaydev.com/gateway.do?{}", encoded.query())
    );
}

#[test]
fn url_encoding_of_reserved_characters_and_cjk() {
    let encoded = seed_config()
        .encode_with_params::<VerifyIdentityApply>(
            &seed_request(),
            &[("memo", "a b&c=d+e/f?g#h%i~j*k.l-m_n'中😀")],
            &seed_timestamp(),
            &fixed_signer(),
        )
        .unwrap();
    let memo = encoded.body().split('&').find(|s| s.starts_with("memo=")).unwrap();
    assert_eq!(memo, "memo=a+b%26c%3Dd%2Be%2Ff%3Fg%23h%25i%7Ej*k.l-m_n%27%E4%B8%AD%F0%9F%98%80");
}

#[test]
fn html_form_escapes_every_attribute_value() {
    let encoded = seed_config()
        .encode_with_params::<VerifyIdentityApply>(
            &seed_request(),
            &[("memo", "<script>alert('x&y')</script>\"")],
            &seed_timestamp(),
            &fixed_signer(),
        )
        .unwrap();
    let html = encoded.html_form(GATEWAY);
    assert!(html.starts_with(
        "<form name=\"punchout_form\" method=\"post\" accept-charset=\"utf-8\" \
         action=\"https://openapi.alipay.com/gateway.do?app_id=2014072300007148&amp;charset=utf-8&amp;format=JSON&amp;"
    ));
    assert!(html.contains(
        "<input type=\"hidden\" name=\"memo\" \
         value=\"&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;&quot;\">\n"
    ));
    assert!(html.contains(
        "<input type=\"hidden\" name=\"biz_content\" value=\"{&quot;biz_id&quot;:&quot;test_302857831249&quot;,\
         &quot;account_name&quot;:&quot;张三&quot;,"
    ));
    assert!(html.ends_with("</form>\n<script>document.forms[\"punchout_form\"].submit();</script>"));
    // Nothing unescaped can break out of an attribute: every `"` is a delimiter we wrote.
    for line in html.lines().filter(|l| l.starts_with("<input type=\"hidden\"")) {
        assert_eq!(line.matches('"').count(), 6, "{line}");
        assert!(!line.contains('\''), "{line}");
    }
}

// ---- round trip -------------------------------------------------------------------------

#[test]
fn seed_round_trip_decodes_rebuilds_and_verifies() {
    let encoded = encode_seed();
    let query = decode(encoded.query());
    let body = decode(encoded.body());

    // Where each parameter travels.
    let query_keys: Vec<&str> = query.iter().map(|(k, _)| &**k).collect();
    assert_eq!(
        query_keys,
        ["app_id", "charset", "format", "method", "sign", "sign_type", "timestamp", "version"]
    );
    let body_keys: Vec<&str> = body.iter().map(|(k, _)| &**k).collect();
    assert_eq!(body_keys, ["biz_content"]);

    // Rebuild the sign content from what is on the wire, as the gateway does.
    let mut pairs: Vec<(&str, &str)> =
        query.iter().chain(&body).map(|(k, v)| (&**k, &**v)).collect();
    let sign = pairs.iter().find(|(k, _)| *k == "sign").unwrap().1;
    let signature = Signature::from_base64(sign).unwrap();
    let content = SignContent::new(&mut pairs).unwrap();
    assert_eq!(content.to_string(), seed_vector().content);

    let public = AlipayPublicKey::parse(APP_PUBLIC).unwrap();
    public.verify(SignType::Rsa2, Message::Content(content), &signature).unwrap();

    // And a tampered value does not verify.
    let tampered = encoded.body().replacen("test_3", "test_4", 1);
    let body = decode(&tampered);
    let mut pairs: Vec<(&str, &str)> =
        query.iter().chain(&body).map(|(k, v)| (&**k, &**v)).collect();
    let content = SignContent::new(&mut pairs).unwrap();
    assert_eq!(
        public.verify(SignType::Rsa2, Message::Content(content), &signature),
        Err(Error::InvalidSignature)
    );
}

// ---- the other encodings ----------------------------------------------------------------

#[test]
fn order_string_is_every_param_sorted_with_sign() {
    let encoded = seed_config()
        .encode_with_params::<VerifyIdentityApply>(
            &seed_request(),
            &[("a~x", "1"), ("zz", "2"), ("sign_typ", "3")],
            &seed_timestamp(),
            &fixed_signer(),
        )
        .unwrap();
    let order = encoded.order_string();
    let decoded = owned(&decode(&order));
    let keys: Vec<&str> = decoded.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            // `~` sorts after `p` raw, though its encoding `%7E` would sort first.
            "app_id",
            "a~x",
            "biz_content",
            "charset",
            "format",
            "method",
            "sign",
            "sign_typ",
            "sign_type",
            "timestamp",
            "version",
            "zz"
        ]
    );
    let mut all = owned(&decode(encoded.query()));
    all.extend(owned(&decode(encoded.body())));
    all.sort();
    let mut sorted = decoded.clone();
    sorted.sort();
    assert_eq!(sorted, all, "same parameter set as query + body");
    assert_eq!(order.len(), encoded.query().len() + 1 + encoded.body().len());
}

#[test]
fn page_url_carries_every_param() {
    let encoded = encode_seed();
    let url = encoded.page_url(GATEWAY);
    let (base, query) = url.split_once('?').unwrap();
    assert_eq!(base, GATEWAY);
    let got = owned(&decode(query));
    let mut want = owned(&decode(encoded.query()));
    want.extend(owned(&decode(encoded.body())));
    assert_eq!(got, want);
}

// ---- generic methods --------------------------------------------------------------------

/// A method a user writes without the crate's help; it has no biz content.
struct OauthToken;

impl Method for OauthToken {
    const NAME: &'static str = "alipay.system.oauth.token";
    type BizContent = ();
    type Response = Value;
}

#[test]
fn method_without_biz_content_sends_only_text_params() {
    let config = AppConfig::builder("2021000000000000").app_auth_token("token-1").build().unwrap();
    let encoded = config
        .encode_with_params::<OauthToken>(
            &(),
            &[("grant_type", "authorization_code"), ("code", "4b203fe6c11548bcabd8da5bb087a83b")],
            &Timestamp::from_unix(1_700_000_000).unwrap(),
            &fixed_signer(),
        )
        .unwrap();
    assert_eq!(
        encoded.body(),
        "code=4b203fe6c11548bcabd8da5bb087a83b&grant_type=authorization_code"
    );
    assert!(!encoded.sign_content().contains("biz_content"));
    assert!(encoded.query().starts_with("app_auth_token=token-1&app_id="));
    assert!(encoded.query().contains("&timestamp=2023-11-15+06%3A13%3A20&"));
    assert!(encoded.sign_content().contains("&method=alipay.system.oauth.token&"));
}

#[test]
fn optional_config_params_are_signed_and_in_the_query() {
    let config = AppConfig::builder("2021000000000000")
        .sign_type(SignType::Rsa)
        .app_auth_token("202101BB")
        .notify_url("https://example.com/notify?a=1")
        .return_url("https://example.com/return")
        .auth_token("kuaijieBb")
        .alipay_sdk("alipay-codec-0.1")
        .cert_sn("app-sn", "root-sn_root-sn2")
        .build()
        .unwrap();
    let encoded = config
        .encode::<VerifyIdentityApply>(&seed_request(), &seed_timestamp(), &fixed_signer())
        .unwrap();
    let keys: Vec<String> =
        decode(encoded.query()).into_iter().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        keys,
        [
            "alipay_root_cert_sn",
            "alipay_sdk",
            "app_auth_token",
            "app_cert_sn",
            "app_id",
            "auth_token",
            "charset",
            "format",
            "method",
            "notify_url",
            "return_url",
            "sign",
            "sign_type",
            "timestamp",
            "version"
        ]
    );
    assert!(encoded.query().contains("&notify_url=https%3A%2F%2Fexample.com%2Fnotify%3Fa%3D1&"));
    assert!(encoded.sign_content().contains("&notify_url=https://example.com/notify?a=1&"));
    assert!(encoded.sign_content().contains("&sign_type=RSA&"));
    assert!(encoded.sign_content().starts_with("alipay_root_cert_sn=root-sn_root-sn2&"));
}

// ---- bad input --------------------------------------------------------------------------

fn field_err(field: &'static str, rule: FieldRule) -> Error {
    Error::Field { field, rule }
}

#[test]
fn verifyidentity_rejects_each_rule_of_the_page() {
    use alipay_codec::api::verifyidentity::VerifyIdentityApplyRequestBuilder as B;
    let ok = || {
        VerifyIdentityApplyRequest::builder()
            .biz_id("b")
            .account_id("a")
            .validate_product_group(Product::new(1, ProductName::Face))
            .scene_code("s")
    };
    let long = |n: usize| "x".repeat(n);
    let cjk = |n: usize| "张".repeat(n);
    let too_long = |max: usize| FieldRule::TooLong { max, actual: max + 1 };
    let blank =
        FieldRule::BadFormat { expected: "a non-blank value (leave the field unset instead)" };
    // A group of 10001 characters: `{"id":1,"name":"FACE","uuid":"…"}` is 32 + uuid.
    let big_uuid = long(10_001 - 32);
    // biz_params of 5001 characters: `{"k":"…"}` is 8 + value.
    let big_params = format!("{{\"k\":\"{}\"}}", long(5_001 - 8));

    let cases: Vec<(&str, B, Error)> = vec![
        // biz_id: required, ≤ 128
        (
            "biz_id unset",
            VerifyIdentityApplyRequest::builder().account_id("a"),
            field_err("biz_id", FieldRule::Missing),
        ),
        ("biz_id empty", ok().biz_id(""), field_err("biz_id", FieldRule::Missing)),
        ("biz_id blank", ok().biz_id(" \t\u{3000}"), field_err("biz_id", FieldRule::Missing)),
        ("biz_id 129", ok().biz_id(long(129)), field_err("biz_id", too_long(128))),
        // account_name: optional, ≤ 128 characters (CJK counts one each)
        (
            "account_name 129 CJK",
            ok().account_name(cjk(129)),
            field_err("account_name", too_long(128)),
        ),
        (
            "account_name 64 emoji and 1 CJK (129 UTF-16 units, as Java counts)",
            ok().account_name("😀".repeat(64) + "张"),
            field_err("account_name", too_long(128)),
        ),
        ("account_name blank", ok().account_name(" "), field_err("account_name", blank.clone())),
        // account_id: required, ≤ 128
        ("account_id empty", ok().account_id(""), field_err("account_id", FieldRule::Missing)),
        ("account_id 129", ok().account_id(long(129)), field_err("account_id", too_long(128))),
        // account_type: optional, ≤ 32, enum
        (
            "account_type 33",
            ok().account_type(AccountType::Other("A".repeat(33))),
            field_err("account_type", too_long(32)),
        ),
        (
            "account_type bad enum",
            ok().account_type(AccountType::Other("alipay_userid".into())),
            field_err(
                "account_type",
                FieldRule::UnknownEnumValue { value: "alipay_userid".into() },
            ),
        ),
        (
            "account_type empty",
            ok().account_type(AccountType::from_wire("")),
            field_err("account_type", blank.clone()),
        ),
        (
            "account_type blank",
            ok().account_type(AccountType::Other(" ".into())),
            field_err("account_type", blank.clone()),
        ),
        // validate_product_group: required, ≤ 10000, JSON
        (
            "product group unset",
            VerifyIdentityApplyRequest::builder().biz_id("b").account_id("a").scene_code("s"),
            field_err("validate_product_group", FieldRule::Missing),
        ),
        (
            "product group empty list",
            ok().validate_product_group(Vec::new()),
            field_err("validate_product_group", FieldRule::Missing),
        ),
        (
            "product group 10001",
            ok().validate_product_group(Product::new(1, ProductName::Face).with_uuid(big_uuid)),
            field_err("validate_product_group", too_long(10_000)),
        ),
        (
            "product name bad enum",
            ok().validate_product_group(Product::new(1, ProductName::Other("face id".into()))),
            field_err(
                "validate_product_group",
                FieldRule::UnknownEnumValue { value: "face id".into() },
            ),
        ),
        (
            "product uuid blank",
            ok().validate_product_group(Product::new(1, ProductName::Face).with_uuid("")),
            field_err("validate_product_group", blank.clone()),
        ),
        (
            "product group JSON empty",
            ok().validate_product_group_json(""),
            field_err("validate_product_group", FieldRule::Missing),
        ),
        (
            "product group JSON empty list",
            ok().validate_product_group_json(" [ \n] "),
            field_err("validate_product_group", FieldRule::Missing),
        ),
        (
            "product group JSON empty object",
            ok().validate_product_group_json("{}"),
            field_err("validate_product_group", FieldRule::Missing),
        ),
        (
            "product group bad JSON",
            ok().validate_product_group_json("{\"id\":1,"),
            field_err(
                "validate_product_group",
                FieldRule::BadJson {
                    detail: "EOF while parsing an object at line 1 column 8".into(),
                },
            ),
        ),
        (
            "product group not an object",
            ok().validate_product_group_json("\"FACE\""),
            field_err("validate_product_group", FieldRule::BadFormat { expected: PRODUCTS }),
        ),
        (
            "product group JSON list of numbers",
            ok().validate_product_group_json("[1]"),
            field_err("validate_product_group", FieldRule::BadFormat { expected: PRODUCTS }),
        ),
        (
            "product group JSON object without id and name",
            ok().validate_product_group_json("{\"foo\":1}"),
            field_err("validate_product_group", FieldRule::BadFormat { expected: PRODUCTS }),
        ),
        (
            "product group JSON list of an empty object",
            ok().validate_product_group_json("[{}]"),
            field_err("validate_product_group", FieldRule::BadFormat { expected: PRODUCTS }),
        ),
        (
            "product group JSON name bad enum",
            ok().validate_product_group_json("{\"id\":1,\"name\":\"face id\"}"),
            field_err(
                "validate_product_group",
                FieldRule::UnknownEnumValue { value: "face id".into() },
            ),
        ),
        (
            "product group JSON uuid blank",
            ok().validate_product_group_json("[{\"id\":1,\"name\":\"FACE\",\"uuid\":\" \"}]"),
            field_err("validate_product_group", blank.clone()),
        ),
        // scene_code: required, ≤ 128
        ("scene_code empty", ok().scene_code(""), field_err("scene_code", FieldRule::Missing)),
        ("scene_code 129", ok().scene_code(long(129)), field_err("scene_code", too_long(128))),
        // biz_params: optional, ≤ 5000, a JSON object
        (
            "biz_params 5001",
            ok().biz_params_json(big_params),
            field_err("biz_params", too_long(5_000)),
        ),
        (
            "biz_params JSON blank",
            ok().biz_params_json("  "),
            field_err("biz_params", blank.clone()),
        ),
        (
            "biz_params bad JSON",
            ok().biz_params_json("{\"sms_code\":test}"),
            field_err(
                "biz_params",
                FieldRule::BadJson { detail: "expected ident at line 1 column 14".into() },
            ),
        ),
        (
            "biz_params not an object",
            ok().biz_params(&[1, 2]),
            field_err("biz_params", FieldRule::BadFormat { expected: "a JSON object" }),
        ),
    ];
    for (name, builder, want) in cases {
        assert_eq!(builder.build().unwrap_err(), want, "case {name}");
    }
}

#[test]
fn verifyidentity_limits_are_inclusive() {
    let base_uuid_len = 10_000 - 32;
    let request = VerifyIdentityApplyRequest::builder()
        .biz_id("b".repeat(128))
        .account_name("张".repeat(128))
        .account_id("a".repeat(128))
        .account_type(AccountType::Other("A".repeat(32)))
        .validate_product_group(
            Product::new(1, ProductName::Face).with_uuid("u".repeat(base_uuid_len)),
        )
        .scene_code("s".repeat(128))
        .biz_params_json(format!("{{\"k\":\"{}\"}}", "v".repeat(5_000 - 8)))
        .build()
        .unwrap();
    assert_eq!(request.validate_product_group().chars().count(), 10_000);
    assert_eq!(request.biz_params().unwrap().chars().count(), 5_000);
    assert_eq!(request.account_name().unwrap().len(), 3 * 128, "128 characters, 384 bytes");
}

#[test]
fn verifyidentity_typed_json_fields() {
    let mut map = serde_json::Map::new();
    map.insert("sms_code".into(), "test".into());
    map.insert("qrcode_expired_time".into(), 604_800.into());
    let request = VerifyIdentityApplyRequest::builder()
        .biz_id("b")
        .account_id("a")
        .validate_product_group(vec![
            Product::new(1, ProductName::NativePaymentPassword),
            Product::new(2, ProductName::from_wire("FACE")),
        ])
        .scene_code("s")
        .biz_params(&map)
        .build()
        .unwrap();
    assert_eq!(
        request.validate_product_group(),
        r#"[{"id":1,"name":"NATIVE_PAYMENT_PASSWORD"},{"id":2,"name":"FACE"}]"#
    );
    let params: Value = serde_json::from_str(request.biz_params().unwrap()).unwrap();
    assert_eq!(params, Value::Object(map));
    // Unset optional fields are left out of the biz content.
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        format!(
            "{{\"biz_id\":\"b\",\"account_id\":\"a\",\"validate_product_group\":{},\"scene_code\":\"s\",\"biz_params\":{}}}",
            serde_json::to_string(request.validate_product_group()).unwrap(),
            serde_json::to_string(request.biz_params().unwrap()).unwrap(),
        )
    );
}

#[test]
fn config_rejects_each_rule() {
    let cases: Vec<(&str, alipay_codec::AppConfigBuilder, Error)> = vec![
        ("app_id empty", AppConfig::builder(""), field_err("app_id", FieldRule::Missing)),
        ("app_id blank", AppConfig::builder("  "), field_err("app_id", FieldRule::Missing)),
        (
            "app_id 33",
            AppConfig::builder("1".repeat(33)),
            field_err("app_id", FieldRule::TooLong { max: 32, actual: 33 }),
        ),
        (
            "app_auth_token 41",
            AppConfig::builder("1").app_auth_token("t".repeat(41)),
            field_err("app_auth_token", FieldRule::TooLong { max: 40, actual: 41 }),
        ),
        (
            "app_auth_token blank",
            AppConfig::builder("1").app_auth_token(" "),
            field_err(
                "app_auth_token",
                FieldRule::BadFormat {
                    expected: "a non-blank value (leave the field unset instead)",
                },
            ),
        ),
        (
            "notify_url not a URL",
            AppConfig::builder("1").notify_url("example.com/notify"),
            field_err(
                "notify_url",
                FieldRule::BadFormat { expected: "an http:// or https:// URL" },
            ),
        ),
        (
            "return_url 257",
            AppConfig::builder("1").return_url(format!("https://{}", "x".repeat(249))),
            field_err("return_url", FieldRule::TooLong { max: 256, actual: 257 }),
        ),
        (
            "auth_token 41",
            AppConfig::builder("1").auth_token("t".repeat(41)),
            field_err("auth_token", FieldRule::TooLong { max: 40, actual: 41 }),
        ),
        (
            "alipay_sdk empty",
            AppConfig::builder("1").alipay_sdk(""),
            field_err(
                "alipay_sdk",
                FieldRule::BadFormat {
                    expected: "a non-blank value (leave the field unset instead)",
                },
            ),
        ),
        (
            "app_cert_sn blank",
            AppConfig::builder("1").cert_sn("\n", "root"),
            field_err(
                "app_cert_sn",
                FieldRule::BadFormat {
                    expected: "a non-blank value (leave the field unset instead)",
                },
            ),
        ),
    ];
    for (name, builder, want) in cases {
        assert_eq!(builder.build().unwrap_err(), want, "case {name}");
    }
    let config = AppConfig::builder("1".repeat(32)).app_auth_token("t".repeat(40)).build().unwrap();
    assert_eq!(config.to_builder().build().unwrap(), config);
    assert_eq!(config.sign_type(), SignType::Rsa2);
}

#[test]
fn text_params_are_checked() {
    let config = seed_config();
    let request = seed_request();
    let encode = |params: &[(&str, &str)]| {
        config.encode_with_params::<VerifyIdentityApply>(
            &request,
            params,
            &seed_timestamp(),
            &fixed_signer(),
        )
    };
    for reserved in param::RESERVED {
        assert_eq!(
            encode(&[(reserved, "x")]).unwrap_err(),
            Error::ReservedParam { key: reserved.into() },
            "{reserved}"
        );
    }
    assert_eq!(
        encode(&[("k", "1"), ("k", "2")]).unwrap_err(),
        Error::DuplicateKey { key: "k".into() }
    );
    for (key, rule) in [
        ("a=b", KeyRule::Separator),
        ("a&b", KeyRule::Separator),
        ("", KeyRule::Empty),
        ("a b", KeyRule::Whitespace),
        ("键", KeyRule::NonAscii),
    ] {
        assert_eq!(encode(&[(key, "1")]).unwrap_err(), Error::InvalidKey { key: key.into(), rule });
    }
    assert_eq!(encode(&[("k", " ")]).unwrap_err(), Error::BlankParam { key: "k".into() });
    assert_eq!(encode(&[("k", "")]).unwrap_err(), Error::BlankParam { key: "k".into() });
}

#[test]
fn raw_encoding_checks_method_and_biz_content() {
    let config = seed_config();
    let ts = seed_timestamp();
    let signer = fixed_signer();
    assert_eq!(
        config.encode_raw(&"m".repeat(129), Some("{}"), &[], &ts, &signer).unwrap_err(),
        field_err("method", FieldRule::TooLong { max: 128, actual: 129 })
    );
    assert_eq!(
        config.encode_raw(" ", Some("{}"), &[], &ts, &signer).unwrap_err(),
        field_err("method", FieldRule::Missing)
    );
    assert_eq!(
        config.encode_raw("a.b", Some("  "), &[], &ts, &signer).unwrap_err(),
        field_err("biz_content", FieldRule::Missing)
    );
    let encoded = config.encode_raw("a.b", Some("{\"x\":1}"), &[], &ts, &signer).unwrap();
    assert_eq!(encoded.body(), "biz_content=%7B%22x%22%3A1%7D");
}

#[test]
fn signer_failure_is_the_only_encode_error_for_valid_input() {
    struct Failing;
    impl Signer for Failing {
        fn sign(&self, _: SignType, _: Message<'_>) -> alipay_codec::Result<Signature> {
            Err(Error::Signing)
        }
    }
    let got =
        seed_config().encode::<VerifyIdentityApply>(&seed_request(), &seed_timestamp(), &Failing);
    assert_eq!(got.unwrap_err(), Error::Signing);
}

#[test]
fn signer_sees_exactly_the_sign_content() {
    use std::cell::RefCell;
    struct Recording(RefCell<Vec<u8>>, Signature);
    impl Signer for Recording {
        fn sign(
            &self,
            sign_type: SignType,
            message: Message<'_>,
        ) -> alipay_codec::Result<Signature> {
            assert_eq!(sign_type, SignType::Rsa2);
            let Message::Content(content) = message else { panic!("expected sign content") };
            self.0.borrow_mut().extend_from_slice(content.to_string().as_bytes());
            Ok(self.1.clone())
        }
    }
    let signer =
        Recording(RefCell::new(Vec::new()), Signature::from_base64(&seed_vector().sign).unwrap());
    let encoded = seed_config()
        .encode::<VerifyIdentityApply>(&seed_request(), &seed_timestamp(), &signer)
        .unwrap();
    assert_eq!(String::from_utf8(signer.0.into_inner()).unwrap(), encoded.sign_content());
}
