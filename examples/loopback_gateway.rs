//! The loopback gateway as a stand-alone server: `cargo run --example loopback_gateway`.
//!
//! It listens on `127.0.0.1` on a port the OS chooses, prints its URL, and answers like
//! `openapi.alipay.com/gateway.do` for the bundled test app (`tests/keys/`) until you press
//! Enter. Point a client at it, e.g. `cargo run --example http_client -- <url>`.

#[path = "../tests/support/loopback.rs"]
mod loopback;

fn main() -> std::io::Result<()> {
    let server = loopback::LoopbackServer::start(loopback::Gateway::new())?;
    println!("loopback gateway: {}", server.url());
    println!(
        "app_id {}; accounts {}, {}; {} answers 20000 isp.unknow-error",
        loopback::APP_ID,
        loopback::ACCOUNT_ZHANG_SAN,
        loopback::ACCOUNT_FACE,
        loopback::ACCOUNT_UNKNOW_ERROR
    );
    println!("press Enter to stop");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    for trace in server.traces() {
        println!("{trace:?}");
    }
    Ok(())
}
